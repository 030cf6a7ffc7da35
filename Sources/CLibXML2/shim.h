// libxml2 built with ICU includes <unicode/ucnv.h>, whose enums then clash with the copy of ICU
// that Foundation carries (_FoundationICU) in any Swift module that sees both. StepExport uses
// none of libxml2's ICU declarations — only the trailing ICU pointers of
// xmlCharEncodingHandler depend on it, a struct it never allocates or reads — so the ICU part
// of the headers is left out.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlerror.h>
