// Prints what Hugging Face's GGUF parser (@huggingface/gguf, installed by bench/gguf-crosscheck.sh) reads from a
// file, in the words of `cossim info`, so the two can be compared line by line.
import { gguf } from "@huggingface/gguf";

const { metadata, tensorInfos } = await gguf(process.argv[2], { allowLocalFile: true });
const GGML = { 0: "F32", 1: "F16", 8: "Q8_0", 30: "BF16" };
const keys = Object.keys(metadata).filter((k) => !["version", "tensor_count", "kv_count"].includes(k));
console.log(`gguf:         version ${metadata.version}, ${keys.length} metadata keys, alignment ${metadata["general.alignment"] ?? 32}`);
if (metadata["general.name"] !== undefined) console.log(`name:         ${metadata["general.name"]}`);
const tokens = metadata["tokenizer.ggml.tokens"];
if (tokens) console.log(`tokenizer:    ${metadata["tokenizer.ggml.model"]}, ${tokens.length} tokens`);
console.log(`tensors:      ${tensorInfos.length}`);
for (const t of tensorInfos) {
  const shape = [...t.shape].reverse().map(String).join(", ");
  console.log(`  * ${t.name} ${GGML[t.dtype] ?? t.dtype} [${shape}]`);
}
