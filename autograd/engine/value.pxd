# C declarations for compiling autograd/engine/value.py with Cython (its pure-Python mode): the same
# source, with the slots of a node as C fields. `make` and `pip install -e .` build it (setup.py).
cimport cython
from autograd.engine.ops cimport Op

cdef extern from "Python.h":
    void PyObject_GC_Track(object)
    bint PyObject_GC_IsTracked(object)
    void PyObject_GC_UnTrack(object)

# Setting an attribute that is not a slot (it goes into the node's dictionary) calls back
# `_keep_in_sight(node, value)`, so that a cycle closed through it is tracked by the collector.
cdef extern from *:
    """
    static PyObject *stepgrad_attribute_callback = NULL;

    static int stepgrad_setattro(PyObject *self, PyObject *name, PyObject *value) {
        PyObject *slot = _PyType_Lookup(Py_TYPE(self), name);
        if (PyObject_GenericSetAttr(self, name, value) < 0) return -1;
        if (value == NULL || (slot != NULL && Py_TYPE(slot)->tp_descr_set != NULL)) return 0;
        PyObject *result = PyObject_CallFunctionObjArgs(stepgrad_attribute_callback, self, value, NULL);
        if (result == NULL) return -1;
        Py_DECREF(result);
        return 0;
    }

    static void stepgrad_watch_attributes(PyObject *type, PyObject *callback) {
        Py_INCREF(callback);
        stepgrad_attribute_callback = callback;
        ((PyTypeObject *)type)->tp_setattro = stepgrad_setattro;
        PyType_Modified((PyTypeObject *)type);
    }
    """
    void _watch_attributes "stepgrad_watch_attributes"(object type, object callback)

cdef class Value:
    cdef public double _data
    cdef public double grad
    cdef object _label
    cdef public Op _operator
    cdef public Value _a
    cdef public Value _b
    cdef public double _da
    cdef public double _db
    cdef public object _const
    cdef Py_ssize_t _sorted
    cdef dict __dict__

    @cython.locals(node=Value, a=Value, b=Value, g=cython.double)
    cpdef backward(self, seed=*)

cdef class _Fused(Value):
    cdef public tuple _parents
    cdef public tuple _local_grads
    cdef public tuple _operands

cdef inline void _start(Value out, double data, Op op)

@cython.locals(out=Value)
cdef Value _constant(double data)

@cython.locals(out=Value)
cdef inline Value _node(double data, Op op, Value a, double da, Value b, double db, object const)

cpdef Value _unary(Op op, Value x)

@cython.locals(other=Value)
cpdef Value _binary(Op op, Value x, object y)

@cython.locals(out=_Fused)
cpdef Value _fused(Op op, double data, tuple parents, tuple local_grads, tuple operands)

@cython.locals(order=list, stack=list, node=Value, a=Value, b=Value, sort=Py_ssize_t)
cpdef list topological_order(Value root)

# Module constants read on every node, as C globals (no dictionary look-up).
cdef Op _LEAF, _ADD, _SUB, _MUL, _DIV, _POW, _POWER, _EXPONENTIAL, _NEG
cdef Op _EXP, _LOG, _TANH, _SIGMOID, _RELU, _SUM, _DOT
cdef object _recording
cdef Py_ssize_t _no_grad_blocks
cdef Value _PARENTS_DONE
cdef Py_ssize_t _sorts
cdef bint _nodes_in_sight

cdef void _settle_sight(Value node)
