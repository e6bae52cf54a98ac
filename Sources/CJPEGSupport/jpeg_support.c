#include "jpeg_support.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

// libjpeg reports errors through error_exit, which must not return: it copies the text
// and jumps back to the entry point that is running.
struct error_manager {
    struct jpeg_error_mgr pub;  // first, so libjpeg's pointer to it is a pointer to this
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

static void error_exit(j_common_ptr cinfo) {
    struct error_manager *err = (struct error_manager *)cinfo->err;
    err->pub.format_message(cinfo, err->message);
    longjmp(err->jump, 1);
}

static void fail(j_common_ptr cinfo, const char *message) {
    struct error_manager *err = (struct error_manager *)cinfo->err;
    snprintf(err->message, sizeof err->message, "%s", message);
    longjmp(err->jump, 1);
}

// Warnings (corrupt entropy data, extraneous bytes) are not fatal, as in torchvision and
// PIL; libjpeg's default would print the first one to stderr.
static void output_nothing(j_common_ptr cinfo) { (void)cinfo; }

static void install_errors(struct error_manager *err) {
    jpeg_std_error(&err->pub);
    err->pub.error_exit = error_exit;
    err->pub.output_message = output_nothing;
    err->message[0] = 0;
}

struct swt_jpeg_decoder {
    struct jpeg_decompress_struct cinfo;
    struct error_manager err;
    struct jpeg_source_mgr source;
    struct jpeg_progress_mgr progress;
    const uint8_t *data;
    size_t size;
    int created;
};

static void init_source(j_decompress_ptr cinfo) { (void)cinfo; }
static void term_source(j_decompress_ptr cinfo) { (void)cinfo; }

// The whole file is in the buffer from the start, so a request for more is the data ending
// early; that is an error, as in torchvision, not libjpeg's inserted end-of-image marker.
static boolean fill_input_buffer(j_decompress_ptr cinfo) {
    fail((j_common_ptr)cinfo, "the data ends before the image does (the file is truncated)");
    return FALSE;
}

static void skip_input_data(j_decompress_ptr cinfo, long count) {
    struct jpeg_source_mgr *src = cinfo->src;
    if (count <= 0) return;
    size_t n = (size_t)count < src->bytes_in_buffer ? (size_t)count : src->bytes_in_buffer;
    src->next_input_byte += n;
    src->bytes_in_buffer -= n;
}

static void limit_scans(j_common_ptr cinfo) {
    if (!cinfo->is_decompressor || ((j_decompress_ptr)cinfo)->input_scan_number <= SWT_JPEG_MAX_SCANS) return;
    struct error_manager *err = (struct error_manager *)cinfo->err;
    snprintf(err->message, sizeof err->message,
             "the file has more than %d scans (a broken or hostile progressive JPEG)", SWT_JPEG_MAX_SCANS);
    longjmp(err->jump, 1);
}

swt_jpeg_decoder *swt_jpeg_decoder_create(const uint8_t *data, size_t size) {
    swt_jpeg_decoder *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->data = data;
    d->size = size;
    d->cinfo.err = &d->err.pub;
    install_errors(&d->err);
    if (setjmp(d->err.jump)) {
        free(d);
        return NULL;
    }
    jpeg_create_decompress(&d->cinfo);
    d->created = 1;
    d->source.init_source = init_source;
    d->source.fill_input_buffer = fill_input_buffer;
    d->source.skip_input_data = skip_input_data;
    d->source.resync_to_restart = jpeg_resync_to_restart;
    d->source.term_source = term_source;
    d->source.next_input_byte = data;
    d->source.bytes_in_buffer = size;
    d->cinfo.src = &d->source;
    d->progress.progress_monitor = limit_scans;
    d->cinfo.progress = &d->progress;
    return d;
}

void swt_jpeg_decoder_destroy(swt_jpeg_decoder *d) {
    if (!d) return;
    if (d->created) jpeg_destroy_decompress(&d->cinfo);
    free(d);
}

const char *swt_jpeg_decoder_message(const swt_jpeg_decoder *d) { return d->err.message; }

int swt_jpeg_read_header(swt_jpeg_decoder *d, int *width, int *height, int *components, int *color_space) {
    if (setjmp(d->err.jump)) return -1;
    jpeg_read_header(&d->cinfo, TRUE);
    *width = (int)d->cinfo.image_width;
    *height = (int)d->cinfo.image_height;
    *components = d->cinfo.num_components;
    *color_space = (int)d->cinfo.jpeg_color_space;
    return 0;
}

int swt_jpeg_start(swt_jpeg_decoder *d, int out_color_space, int *width, int *height, int *channels) {
    if (setjmp(d->err.jump)) return -1;
    if (out_color_space != SWT_JPEG_UNKNOWN) d->cinfo.out_color_space = (J_COLOR_SPACE)out_color_space;
    jpeg_start_decompress(&d->cinfo);
    *width = (int)d->cinfo.output_width;
    *height = (int)d->cinfo.output_height;
    *channels = d->cinfo.output_components;
    return 0;
}

int swt_jpeg_read_rows(swt_jpeg_decoder *d, uint8_t *pixels, size_t row_bytes) {
    if (setjmp(d->err.jump)) return -1;
    while (d->cinfo.output_scanline < d->cinfo.output_height) {
        JSAMPROW row = pixels + (size_t)d->cinfo.output_scanline * row_bytes;
        if (jpeg_read_scanlines(&d->cinfo, &row, 1) != 1)
            fail((j_common_ptr)&d->cinfo, "libjpeg returned no row");
    }
    jpeg_finish_decompress(&d->cinfo);
    return 0;
}

struct encoder {
    struct jpeg_compress_struct cinfo;
    struct error_manager err;
    unsigned char *buffer;
    unsigned long size;
    int created;
};

int swt_jpeg_encode(const uint8_t *pixels, int width, int height, int channels, int quality,
                    uint8_t **out, size_t *out_size, char *message) {
    struct encoder *e = calloc(1, sizeof *e);
    if (!e) {
        snprintf(message, JMSG_LENGTH_MAX, "out of memory");
        return -1;
    }
    e->cinfo.err = &e->err.pub;
    install_errors(&e->err);
    if (setjmp(e->err.jump)) {
        snprintf(message, JMSG_LENGTH_MAX, "%s", e->err.message);
        if (e->created) jpeg_destroy_compress(&e->cinfo);
        free(e->buffer);
        free(e);
        return -1;
    }
    jpeg_create_compress(&e->cinfo);
    e->created = 1;
    e->cinfo.image_width = (JDIMENSION)width;
    e->cinfo.image_height = (JDIMENSION)height;
    e->cinfo.input_components = channels;
    e->cinfo.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&e->cinfo);
    jpeg_set_quality(&e->cinfo, quality, TRUE);
    jpeg_mem_dest(&e->cinfo, &e->buffer, &e->size);
    jpeg_start_compress(&e->cinfo, TRUE);
    size_t stride = (size_t)width * (size_t)channels;
    while (e->cinfo.next_scanline < e->cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)e->cinfo.next_scanline * stride);
        jpeg_write_scanlines(&e->cinfo, &row, 1);
    }
    jpeg_finish_compress(&e->cinfo);
    jpeg_destroy_compress(&e->cinfo);
    *out = e->buffer;
    *out_size = e->size;
    free(e);
    return 0;
}

void swt_jpeg_free(uint8_t *buffer) { free(buffer); }
