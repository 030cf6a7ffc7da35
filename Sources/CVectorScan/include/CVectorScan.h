#ifndef C_VECTOR_SCAN_H
#define C_VECTOR_SCAN_H

// The scanners' inner loops on SSE2 vectors, each in a header of its own: the JSON string
// scanner's (StringScan.h) and the array files' structural pass (ElementScan.h).

#include "StringScan.h"
#include "ElementScan.h"

#endif
