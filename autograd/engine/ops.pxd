# C declarations for compiling autograd/engine/ops.py with Cython: a row of the op table as an
# extension type, so that the engine reads `op.value` and `op.local` as C fields.
cimport cython

@cython.final
cdef class Op:
    cdef readonly str name
    cdef readonly str symbol
    cdef readonly str form
    cdef readonly object arity
    cdef readonly object value
    cdef readonly object local
