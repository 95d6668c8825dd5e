//! One module per subcommand. Each parses its flags into an `Args` struct, checks them, calls
//! the library crates and writes its outputs.

pub mod gen_data;
pub mod inspect;
pub mod mi;
pub mod plot;
pub mod run;
pub mod train;
pub mod validate;
