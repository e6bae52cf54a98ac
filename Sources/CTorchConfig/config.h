// Compile-time CPU features, as the Clang importer sees them. Swift has no `#if` for target
// features, but it takes them from the importer (`-Xcc -march=...`), and imports these
// integer macros as constants, so `swifttorch info` can say what the build may use.
#if defined(__AVX512F__)
#define SWIFTTORCH_AVX512F 1
#else
#define SWIFTTORCH_AVX512F 0
#endif
#if defined(__AVX2__)
#define SWIFTTORCH_AVX2 1
#else
#define SWIFTTORCH_AVX2 0
#endif
#if defined(__FMA__)
#define SWIFTTORCH_FMA 1
#else
#define SWIFTTORCH_FMA 0
#endif
#if defined(__ARM_NEON)
#define SWIFTTORCH_NEON 1
#else
#define SWIFTTORCH_NEON 0
#endif
