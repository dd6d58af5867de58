/* vm: a small stack-based bytecode interpreter with a switch dispatch loop,
 * running a bytecode program that sums Collatz sequence lengths and calls a
 * bytecode subroutine (integer square root by Newton's method) per number.
 * Branchy, indirect-jump-heavy dispatch: the classic interpreter workload.
 * Usage: vm [N]   (default N = 150000 starting numbers) */
#include <stdio.h>
#include <stdlib.h>

enum op {
  OP_HALT, OP_PUSH, OP_LOAD, OP_STORE, OP_ADD, OP_SUB, OP_MUL, OP_DIV,
  OP_AND, OP_SHR, OP_LT, OP_EQ, OP_JMP, OP_JZ, OP_JNZ, OP_DUP, OP_POP,
  OP_CALL, OP_RET, OP_INC,
};

#define NLOCALS 8
#define STACK 256
#define FRAMES 64

struct frame {
  int ret_pc;
  long long locals[NLOCALS];
};

static int code[512];
static int ncode;

static int emit(int op) { code[ncode] = op; return ncode++; }
static int emit1(int op, int arg) { code[ncode] = op; code[ncode + 1] = arg; ncode += 2; return ncode - 2; }
static void patch(int at, int target) { code[at + 1] = target; }

static long long run(int pc, long long arg, unsigned long long *executed) {
  long long stack[STACK];
  struct frame frames[FRAMES];
  int sp = 0, fp = 0;
  unsigned long long count = 0;
  frames[0].locals[0] = arg;
  frames[0].ret_pc = -1;
  for (;;) {
    count++;
    int op = code[pc++];
    switch (op) {
    case OP_HALT: *executed += count; return stack[sp - 1];
    case OP_PUSH: stack[sp++] = code[pc++]; break;
    case OP_LOAD: stack[sp++] = frames[fp].locals[code[pc++]]; break;
    case OP_STORE: frames[fp].locals[code[pc++]] = stack[--sp]; break;
    case OP_INC: frames[fp].locals[code[pc++]]++; break;
    case OP_ADD: sp--; stack[sp - 1] += stack[sp]; break;
    case OP_SUB: sp--; stack[sp - 1] -= stack[sp]; break;
    case OP_MUL: sp--; stack[sp - 1] *= stack[sp]; break;
    case OP_DIV: sp--; stack[sp - 1] /= stack[sp]; break;
    case OP_AND: sp--; stack[sp - 1] &= stack[sp]; break;
    case OP_SHR: sp--; stack[sp - 1] >>= stack[sp]; break;
    case OP_LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
    case OP_EQ: sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
    case OP_JMP: pc = code[pc]; break;
    case OP_JZ: pc = stack[--sp] ? pc + 1 : code[pc]; break;
    case OP_JNZ: pc = stack[--sp] ? code[pc] : pc + 1; break;
    case OP_DUP: stack[sp] = stack[sp - 1]; sp++; break;
    case OP_POP: sp--; break;
    case OP_CALL: /* argument on the stack becomes local 0 of the callee */
      fp++;
      frames[fp].ret_pc = pc + 1;
      frames[fp].locals[0] = stack[--sp];
      pc = code[pc];
      break;
    case OP_RET: /* return value stays on the stack */
      pc = frames[fp].ret_pc;
      fp--;
      break;
    default:
      fprintf(stderr, "bad opcode %d at %d\n", op, pc - 1);
      exit(2);
    }
  }
}

/* Builds: main(n) { total = 0; roots = 0;
 *   for (i = 1; i < n; i++) {
 *     x = i; steps = 0;
 *     while (x != 1) { if (x & 1) x = 3x + 1; else x = x >> 1; steps++; }
 *     total += steps; roots += isqrt(i * steps);
 *   }
 *   return total * 1000003 + roots; }
 * locals: 0 n, 1 i, 2 x, 3 steps, 4 total, 5 roots */
static int build(void) {
  ncode = 0;
  /* isqrt(v): Newton iteration, locals: 0 v, 1 r, 2 next */
  int isqrt = ncode;
  emit1(OP_LOAD, 0); emit1(OP_PUSH, 2); emit(OP_LT);
  int small = emit1(OP_JZ, 0);
  emit1(OP_LOAD, 0); emit(OP_RET);
  patch(small, ncode);
  emit1(OP_LOAD, 0); emit1(OP_STORE, 1);
  int loop = ncode;
  /* next = (r + v / r) >> 1 */
  emit1(OP_LOAD, 1); emit1(OP_LOAD, 0); emit1(OP_LOAD, 1); emit(OP_DIV); emit(OP_ADD);
  emit1(OP_PUSH, 1); emit(OP_SHR); emit(OP_DUP); emit1(OP_STORE, 2);
  emit1(OP_LOAD, 1); emit(OP_LT);
  int done = emit1(OP_JZ, 0);
  emit1(OP_LOAD, 2); emit1(OP_STORE, 1);
  emit1(OP_JMP, loop);
  patch(done, ncode);
  emit1(OP_LOAD, 1); emit(OP_RET);

  int entry = ncode;
  emit1(OP_PUSH, 0); emit1(OP_STORE, 4);
  emit1(OP_PUSH, 0); emit1(OP_STORE, 5);
  emit1(OP_PUSH, 1); emit1(OP_STORE, 1);
  int outer = ncode;
  emit1(OP_LOAD, 1); emit1(OP_LOAD, 0); emit(OP_LT);
  int outer_exit = emit1(OP_JZ, 0);
  emit1(OP_LOAD, 1); emit1(OP_STORE, 2);
  emit1(OP_PUSH, 0); emit1(OP_STORE, 3);
  int inner = ncode;
  emit1(OP_LOAD, 2); emit1(OP_PUSH, 1); emit(OP_EQ);
  int inner_exit = emit1(OP_JNZ, 0);
  emit1(OP_LOAD, 2); emit1(OP_PUSH, 1); emit(OP_AND);
  int even = emit1(OP_JZ, 0);
  emit1(OP_LOAD, 2); emit1(OP_PUSH, 3); emit(OP_MUL); emit1(OP_PUSH, 1); emit(OP_ADD);
  emit1(OP_STORE, 2);
  int joined = emit1(OP_JMP, 0);
  patch(even, ncode);
  emit1(OP_LOAD, 2); emit1(OP_PUSH, 1); emit(OP_SHR); emit1(OP_STORE, 2);
  patch(joined, ncode);
  emit1(OP_INC, 3);
  emit1(OP_JMP, inner);
  patch(inner_exit, ncode);
  emit1(OP_LOAD, 4); emit1(OP_LOAD, 3); emit(OP_ADD); emit1(OP_STORE, 4);
  emit1(OP_LOAD, 5); emit1(OP_LOAD, 1); emit1(OP_LOAD, 3); emit(OP_MUL);
  emit1(OP_CALL, isqrt);
  emit(OP_ADD); emit1(OP_STORE, 5);
  emit1(OP_INC, 1);
  emit1(OP_JMP, outer);
  patch(outer_exit, ncode);
  emit1(OP_LOAD, 4); emit1(OP_PUSH, 1000003); emit(OP_MUL); emit1(OP_LOAD, 5); emit(OP_ADD);
  emit(OP_HALT);
  return entry;
}

int main(int argc, char **argv) {
  long long n = argc > 1 ? atoll(argv[1]) : 150000;
  int entry = build();
  unsigned long long executed = 0;
  long long result = run(entry, n, &executed);
  printf("bytecode instructions executed: %llu\n", executed);
  printf("checksum: %lld %llu\n", result, executed);
  return 0;
}
