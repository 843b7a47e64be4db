//! The `code_list!` macro: one declaration per vocabulary gives the enum, its codes, labels in
//! both languages, `parse`, serde as the code string and a JSON Schema string enum.

/// Defines a closed code list.
///
/// ```text
/// code_list! {
///     /// Docs.
///     RiskLevel as "risk_level" {
///         Low = "low" { vi: "Thấp", en: "Low" },
///         ...
///     }
/// }
/// ```
///
/// Variants are ordered as declared (`Ord`), which is what lists with a natural order rely on.
macro_rules! code_list {
    (
        $(#[$meta:meta])*
        $name:ident as $list:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal { vi: $vi:literal, en: $en:literal } ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every value, in the list's order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];
            /// Every code, in the list's order.
            pub const CODES: &'static [&'static str] = &[$($code),+];

            /// The stable code written in events and accepted by the API.
            pub const fn code(self) -> &'static str {
                match self { $(Self::$variant => $code),+ }
            }

            /// The value with this exact code, if it is one.
            pub fn parse(code: &str) -> Option<Self> {
                match code {
                    $($code => Some(Self::$variant),)+
                    _ => None,
                }
            }

            /// The label in `lang` (Vietnamese with its diacritics, or English).
            pub const fn label(self, lang: $crate::domain::vocab::Lang) -> &'static str {
                match lang {
                    $crate::domain::vocab::Lang::Vi => match self { $(Self::$variant => $vi),+ },
                    $crate::domain::vocab::Lang::En => match self { $(Self::$variant => $en),+ },
                }
            }
        }

        impl $crate::domain::vocab::Vocabulary for $name {
            const NAME: &'static str = $list;

            fn all() -> impl Iterator<Item = Self> {
                Self::ALL.iter().copied()
            }

            fn code(self) -> &'static str {
                $name::code(self)
            }

            fn label(self, lang: $crate::domain::vocab::Lang) -> &'static str {
                $name::label(self, lang)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.code())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::domain::vocab::deserialize_code(deserializer, Self::parse, Self::CODES)
            }
        }

        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                $crate::domain::vocab::code_schema(Self::CODES)
            }
        }
    };
}
