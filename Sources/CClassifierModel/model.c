/* The trained model, embedded at build time from model.bin beside this file (written
   by `make train-classifier`), so that the installed binary needs no data file. */

#include "classifier_model.h"

/* #embed is C23; SwiftPM compiles this file in an older mode, where clang takes it as
   an extension. */
#pragma clang diagnostic ignored "-Wc23-extensions"

static const unsigned char model[] = {
#embed "model.bin"
};

const unsigned char *sessiontrace_classifier_model(void) { return model; }

size_t sessiontrace_classifier_model_size(void) { return sizeof model; }
