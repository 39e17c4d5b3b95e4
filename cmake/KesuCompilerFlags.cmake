# Warnings, sanitizers and hardening for every kesu target. Every flag is
# checked against the compiler first, so gcc, clang and the distribution's
# own flags all build: a flag this compiler does not know is left out.
include(CheckCCompilerFlag)
include(CheckLinkerFlag)

# Adds FLAG to every target's compile options when the compiler takes it.
# A -Wno-X flag is checked as -WX: gcc accepts any unknown -Wno-X silently.
function(kesu_add_c_flag flag)
  string(REGEX REPLACE "^-Wno-" "-W" probe "${flag}")
  string(MAKE_C_IDENTIFIER "KESU_HAVE_CFLAG${probe}" var)
  check_c_compiler_flag("${probe}" ${var})
  if(${var})
    add_compile_options("${flag}")
  endif()
endfunction()

# snprintf into fixed-size fields truncates on purpose (a 300-byte model
# string is cut, not overflowed), so that warning is off (gcc has it,
# clang does not).
foreach(flag -Wall -Wextra -Wshadow -Wformat=2 -Wvla -Wno-format-truncation)
  kesu_add_c_flag(${flag})
endforeach()
# Warnings stop the build in CI (tests/run-all.sh turns this on) and for
# developers who ask; packagers' newer compilers only warn.
if(KESU_WERROR)
  add_compile_options(-Werror)
endif()

if(KESU_SANITIZE AND KESU_FUZZ)
  message(FATAL_ERROR "KESU_SANITIZE and KESU_FUZZ: pick one (the fuzz build is sanitized already)")
endif()
set(KESU_SANITIZER_FLAGS -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
if(KESU_SANITIZE)
  add_compile_options(${KESU_SANITIZER_FLAGS})
  add_link_options(-fsanitize=address,undefined)
endif()
# libFuzzer (tests/fuzz): every object gets coverage instrumentation and
# the sanitizers; only the fuzz targets link libFuzzer's main.
if(KESU_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "KESU_FUZZ needs clang (libFuzzer): CC=clang cmake ...")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link ${KESU_SANITIZER_FLAGS})
  add_link_options(-fsanitize=address,undefined)
endif()

# Hardening outside Debug builds: bounds-checked libc calls (which need
# optimisation, hence not in Debug), stack canaries, and a read-only GOT
# bound at start (full RELRO). _FORTIFY_SOURCE is left out of sanitized
# builds, whose interceptors it would bypass, and when the packager's flags
# already choose a level.
if(KESU_HARDEN)
  set(not_debug "$<NOT:$<CONFIG:Debug>>")
  string(TOUPPER "${CMAKE_BUILD_TYPE}" type)
  if(NOT KESU_SANITIZE AND NOT KESU_FUZZ AND
     NOT "${CMAKE_C_FLAGS} ${CMAKE_C_FLAGS_${type}}" MATCHES "_FORTIFY_SOURCE")
    add_compile_definitions("$<${not_debug}:_FORTIFY_SOURCE=2>")
  endif()
  check_c_compiler_flag(-fstack-protector-strong KESU_HAVE_STACK_PROTECTOR_STRONG)
  if(KESU_HAVE_STACK_PROTECTOR_STRONG)
    add_compile_options("$<${not_debug}:-fstack-protector-strong>")
  endif()
  check_linker_flag(C "-Wl,-z,relro,-z,now" KESU_HAVE_FULL_RELRO)
  if(KESU_HAVE_FULL_RELRO)
    add_link_options("$<${not_debug}:-Wl,-z,relro,-z,now>")
  endif()
endif()
