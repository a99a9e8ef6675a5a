# SWEET_SANITIZE=ON builds everything (library, tests, examples) with ASan + UBSan.
if(SWEET_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
  target_compile_options(sweet PUBLIC -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(sweet PUBLIC -fsanitize=address,undefined)
endif()
