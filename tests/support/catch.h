// Includes Catch2's test macros whichever major version is installed (2.x or 3.x).
#pragma once

#if defined(MAILSIM_CATCH2_V3)
#include <catch2/catch_approx.hpp>
#include <catch2/catch_test_macros.hpp>
using Catch::Approx;
#else
#include <catch2/catch.hpp>
#endif
