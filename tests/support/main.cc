// Catch2 2.x needs one translation unit that defines main; 3.x brings Catch2WithMain.
#if !defined(MAILSIM_CATCH2_V3)
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
#endif
