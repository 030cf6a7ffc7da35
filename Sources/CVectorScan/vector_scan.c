// SwiftPM builds a C target from its source files; the code is all in the headers, static
// inline (see StringScan.h for why).
#include "CVectorScan.h"
