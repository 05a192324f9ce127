# C declarations for compiling autograd/engine/value.py with Cython (its pure-Python mode): the same
# source, with the slots of a node as C fields. `make` and `pip install -e .` build it (setup.py).
cimport cython

cdef extern from "Python.h":
    void PyObject_GC_UnTrack(object)

cdef class Value:
    cdef public double data
    cdef public double grad
    cdef public object label
    cdef public object _operator
    cdef public Value _a
    cdef public Value _b
    cdef public double _da
    cdef public double _db
    cdef public object _const

    @cython.locals(node=Value, a=Value, b=Value, g=cython.double)
    cpdef backward(self, seed=*)

cdef class _Fused(Value):
    cdef public tuple _parents
    cdef public tuple _local_grads
    cdef public tuple _operands

@cython.locals(out=Value)
cdef Value _constant(double data)

@cython.locals(out=Value)
cdef Value _node(double data, object op, Value a, double da, Value b, double db, object const)

@cython.locals(a=cython.double, node=Value)
cpdef Value _unary(object op, Value x)

@cython.locals(a=cython.double, b=cython.double, node=Value)
cpdef Value _binary(object op, Value x, object y)

@cython.locals(out=_Fused)
cdef Value _fused(object op, double data, tuple parents, tuple local_grads, tuple operands)

@cython.locals(order=list, visited=set, stack=list, a=Value, b=Value)
cpdef list topological_order(Value root)
