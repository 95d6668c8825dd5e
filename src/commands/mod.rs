//! One module per subcommand. Each parses its flags into an `Args` struct, checks them, calls
//! the library crates and writes its outputs.

pub mod gen_data;
pub mod inspect;
pub mod mi;
pub mod plot;
pub mod run;
pub mod train;
pub mod validate;

/// Writes `text` to standard output. Unlike `print!`, which panics when the reader has gone
/// (`infocap mi ... | head`), this returns the broken pipe as an error, which `main` treats as a
/// normal end.
pub(crate) fn print_out(text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()
}

/// Returns "1 row", "2 rows": the count followed by the noun in the matching number.
pub(crate) fn count_of(n: usize, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

#[cfg(test)]
mod tests {
    #[test]
    fn count_of_matches_the_number() {
        assert_eq!(super::count_of(1, "row", "rows"), "1 row");
        assert_eq!(super::count_of(0, "row", "rows"), "0 rows");
        assert_eq!(super::count_of(12, "epoch", "epochs"), "12 epochs");
    }
}
