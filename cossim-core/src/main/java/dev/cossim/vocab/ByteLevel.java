package dev.cossim.vocab;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * GPT-2's byte-level BPE alphabet: each byte is spelled as a printable code point (bytes that are already printable
 * keep their own character; the others map to U+0100 upwards, so a space is 'Ġ' and a newline 'Ċ'). Decoding turns a
 * token back into its bytes and reads them as UTF-8; bytes that do not form whole characters (a token holding half
 * of an emoji, say) are shown as \xNN.
 */
public final class ByteLevel {
    private static final int[] CHAR_TO_BYTE = new int[512];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            int c = printable ? b : 256 + n++;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevel() {
    }

    /** The readable text of a byte-level token; characters outside the alphabet are kept as they are. */
    public static String decode(String token) {
        ByteBuffer bytes = ByteBuffer.allocate(token.length() * 4);
        for (int i = 0; i < token.length(); ) {
            int cp = token.codePointAt(i);
            i += Character.charCount(cp);
            if (cp < CHAR_TO_BYTE.length && CHAR_TO_BYTE[cp] >= 0) {
                bytes.put((byte) CHAR_TO_BYTE[cp]);
            } else {
                bytes.put(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
            }
        }
        bytes.flip();
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return dec.decode(bytes.duplicate()).toString();
        } catch (CharacterCodingException e) {
            return lenient(bytes);
        }
    }

    /** Decodes what is valid UTF-8 and spells every stray byte as \xNN. */
    private static String lenient(ByteBuffer bytes) {
        StringBuilder sb = new StringBuilder();
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer out = CharBuffer.allocate(bytes.remaining() * 2);
        while (bytes.hasRemaining()) {
            var result = dec.decode(bytes, out, true);
            out.flip();
            sb.append(out);
            out.clear();
            if (result.isError()) {
                for (int k = 0; k < result.length(); k++) {
                    sb.append(String.format("\\x%02x", bytes.get() & 0xff));
                }
            } else {
                break;
            }
        }
        return sb.toString();
    }
}
