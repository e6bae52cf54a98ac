// libjpeg behind entry points that return an error code instead of calling exit() or
// longjmp-ing through Swift frames: each one runs libjpeg under its own setjmp.
#ifndef SWIFT_TORCH_JPEG_SUPPORT_H
#define SWIFT_TORCH_JPEG_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

/// libjpeg's J_COLOR_SPACE values that the decoder reports and accepts.
enum {
    SWT_JPEG_UNKNOWN = 0, SWT_JPEG_GRAY = 1, SWT_JPEG_RGB = 2,
    SWT_JPEG_YCBCR = 3, SWT_JPEG_CMYK = 4, SWT_JPEG_YCCK = 5,
};

/// The most scans a file may have; legitimate progressive files have about ten, while
/// thousands of tiny scans each cost a pass over the whole image.
#define SWT_JPEG_MAX_SCANS 1000

typedef struct swt_jpeg_decoder swt_jpeg_decoder;

/// A decoder reading `size` bytes at `data`, which must outlive it; NULL when out of memory.
swt_jpeg_decoder *swt_jpeg_decoder_create(const uint8_t *data, size_t size);
void swt_jpeg_decoder_destroy(swt_jpeg_decoder *decoder);
/// The last error's text (libjpeg's own message, or the data's end).
const char *swt_jpeg_decoder_message(const swt_jpeg_decoder *decoder);

/// Reads the markers up to the first scan. Returns 0, or -1 with a message.
int swt_jpeg_read_header(swt_jpeg_decoder *decoder, int *width, int *height,
                         int *components, int *color_space);
/// Starts decompression to `out_color_space` (SWT_JPEG_UNKNOWN keeps libjpeg's default)
/// and reports the output's size. Returns 0, or -1 with a message.
int swt_jpeg_start(swt_jpeg_decoder *decoder, int out_color_space,
                   int *width, int *height, int *channels);
/// Decodes every row into `pixels` (interleaved, `row_bytes` apart), then reads to the end
/// of the image. Returns 0, or -1 with a message.
int swt_jpeg_read_rows(swt_jpeg_decoder *decoder, uint8_t *pixels, size_t row_bytes);

/// Compresses interleaved gray (1 channel) or RGB (3) rows with libjpeg's defaults at
/// `quality` (1...100). Returns 0 with `*out` (free it with swt_jpeg_free) and `*out_size`,
/// or -1 with a message in `message` (200 bytes).
int swt_jpeg_encode(const uint8_t *pixels, int width, int height, int channels, int quality,
                    uint8_t **out, size_t *out_size, char *message);
void swt_jpeg_free(uint8_t *buffer);

#endif
