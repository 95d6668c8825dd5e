//! Small neural networks trained from scratch on ndarray, with every kind of training noise as
//! a switch, and probes that record what each layer carries.
