#ifndef SESSIONTRACE_CLASSIFIER_MODEL_H
#define SESSIONTRACE_CLASSIFIER_MODEL_H

#include <stddef.h>

/* The classifier's model file (spec/classifier.md §4), embedded in the binary. */
const unsigned char *sessiontrace_classifier_model(void);
size_t sessiontrace_classifier_model_size(void);

#endif
