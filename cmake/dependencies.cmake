# Every dependency comes from Debian's packages (see ./run).
find_package(Torch REQUIRED)
find_package(OpenCV REQUIRED COMPONENTS core imgproc imgcodecs)
find_package(ZLIB REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(GTest REQUIRED)
find_package(benchmark REQUIRED)
find_package(Threads REQUIRED)
find_package(OpenMP REQUIRED)

# toml++ and cpp-httplib are header-only; Debian ships pkg-config files or plain headers.
find_path(TOMLPP_INCLUDE_DIR toml++/toml.h REQUIRED)
find_path(HTTPLIB_INCLUDE_DIR httplib.h REQUIRED)
find_library(FAISS_LIBRARY faiss REQUIRED)
find_path(FAISS_INCLUDE_DIR faiss/IndexFlat.h REQUIRED)

add_library(siamese_thirdparty INTERFACE)
target_include_directories(siamese_thirdparty SYSTEM INTERFACE
  ${TOMLPP_INCLUDE_DIR} ${HTTPLIB_INCLUDE_DIR} ${FAISS_INCLUDE_DIR} ${OpenCV_INCLUDE_DIRS})
target_compile_definitions(siamese_thirdparty INTERFACE TOML_EXCEPTIONS=1)

set(SIAMESE_DEPS
  ${TORCH_LIBRARIES} ${OpenCV_LIBS} ZLIB::ZLIB nlohmann_json::nlohmann_json CLI11::CLI11
  ${FAISS_LIBRARY} Threads::Threads OpenMP::OpenMP_CXX siamese_thirdparty)

# One precompiled header with torch (the heavy part of every translation unit), built once for the
# library and reused by the program, the tests and the benchmarks (their compile flags are the same).
function(siamese_torch_pch target)
  target_precompile_headers(${target} PRIVATE <torch/torch.h> <vector> <string> <map> <memory>)
endfunction()
function(siamese_reuse_pch target)
  target_precompile_headers(${target} REUSE_FROM siamese_lib)
endfunction()

# The same warnings for every target (a precompiled header is only reused under identical flags).
function(siamese_warnings target)
  # Aggregates initialised without their trailing defaulted members are idiomatic here (TensorDataset{x, y}).
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers)
endfunction()

# Unity ("jumbo") build: one translation unit per source folder. Nearly all of a file's compile time is
# template instantiation and code generation of LibTorch's inline code, which a folder's files share; a
# folder compiled as one unit pays it once (docs/testing.md, "Build time", has the measured effect). Files with their
# own compile definitions stay separate. Off: SIAMESE_UNITY=OFF (faster incremental rebuilds of one file).
function(siamese_unity target)
  if(NOT SIAMESE_UNITY)
    return()
  endif()
  set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_MODE GROUP)
  get_target_property(sources ${target} SOURCES)
  foreach(source ${sources})
    get_source_file_property(defs ${source} COMPILE_DEFINITIONS)
    if(defs)
      set_source_files_properties(${source} PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)
    else()
      get_filename_component(folder ${source} DIRECTORY)
      get_filename_component(group ${folder} NAME)
      set_source_files_properties(${source} PROPERTIES UNITY_GROUP ${target}_${group})
    endif()
  endforeach()
endfunction()
