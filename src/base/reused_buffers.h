// Working vectors kept between uses of a per-function pass (the JIT
// compiler, the interpreter's translator): the pass's constructor takes
// each vector member `name_` from `reuse_->name` (cleared, capacity kept),
// its destructor gives it back, so that processing a function allocates
// (almost) nothing. A class lists its members once in an X-macro LIST and
// writes
//   void take_buffers() { LIST(BRISK_TAKE_BUFFER) }
//   void give_buffers() { LIST(BRISK_GIVE_BUFFER) }
#pragma once
#include <utility>

#define BRISK_TAKE_BUFFER(name)        \
  name##_ = std::move(reuse_->name); \
  name##_.clear();
#define BRISK_GIVE_BUFFER(name) reuse_->name = std::move(name##_);
