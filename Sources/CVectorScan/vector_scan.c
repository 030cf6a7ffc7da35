// SwiftPM builds a C target from its source files; the code is all in the header, static
// inline (see CVectorScan.h for why).
#include "CVectorScan.h"
