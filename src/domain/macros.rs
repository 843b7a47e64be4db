//! Macros shared by the domain modules: the redacted `Debug` that every type holding personal
//! data uses instead of a derived one.

/// Writes a `Debug` impl that names the type and the listed non-personal fields only, and
/// prints `..` for the rest, so a stray `{:?}` in a log line never shows a name, a note or a
/// date of a survivor. List only coded fields and identifiers.
macro_rules! redacted_debug {
    ($ty:ident $(, $field:ident)* $(,)?) => {
        impl ::std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(stringify!($ty))
                    $(.field(stringify!($field), &self.$field))*
                    .finish_non_exhaustive()
            }
        }
    };
}
