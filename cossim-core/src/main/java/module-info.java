/**
 * cossim's core: sources (safetensors, .npy, ONNX, batch files), the matrix view, the tile kernels' plug-in interface,
 * the analysis facade ({@link dev.cossim.analysis.Analysis}, {@link dev.cossim.analysis.Search}), its result types and
 * the output layer. The engine's tile walk and the reducers ({@code dev.cossim.engine}, {@code dev.cossim.reduce}) are
 * internal: callers go through the facade.
 */
module dev.cossim.core {
    requires static jdk.incubator.vector;
    requires transitive com.fasterxml.jackson.databind;
    requires com.google.protobuf;

    exports dev.cossim;
    exports dev.cossim.analysis;
    exports dev.cossim.results;
    exports dev.cossim.source;
    exports dev.cossim.vocab;
    exports dev.cossim.matrix;
    exports dev.cossim.output;
    exports dev.cossim.query;
    exports dev.cossim.kernel;

    uses dev.cossim.kernel.Kernels.Provider;
}
