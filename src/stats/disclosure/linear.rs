//! Exact linear algebra for complementary suppression: can a target vector be written as a
//! combination of given vectors, and with which of them? Rationals over `i128`, with every
//! operation checked: an overflow is reported, never wrapped, and the caller then assumes the
//! worst (that the target *can* be derived).

/// A rational number in lowest terms with a positive denominator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ratio {
    numerator: i128,
    denominator: i128,
}

/// An `i128` overflowed; the system was too large to decide exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Overflow;

impl Ratio {
    pub const ZERO: Self = Self {
        numerator: 0,
        denominator: 1,
    };

    pub const fn integer(value: i128) -> Self {
        Self {
            numerator: value,
            denominator: 1,
        }
    }

    pub fn is_zero(self) -> bool {
        self.numerator == 0
    }

    fn reduced(numerator: i128, denominator: i128) -> Result<Self, Overflow> {
        if denominator == 0 {
            return Err(Overflow);
        }
        let divisor = gcd(numerator, denominator).max(1);
        let sign = if denominator < 0 { -1 } else { 1 };
        Ok(Self {
            numerator: numerator.checked_div(divisor * sign).ok_or(Overflow)?,
            denominator: denominator.checked_div(divisor * sign).ok_or(Overflow)?,
        })
    }

    /// `self − factor × other`, the one step elimination needs.
    pub fn minus_product(self, factor: Self, other: Self) -> Result<Self, Overflow> {
        let product = factor.times(other)?;
        let numerator = self
            .numerator
            .checked_mul(product.denominator)
            .and_then(|a| {
                product
                    .numerator
                    .checked_mul(self.denominator)
                    .and_then(|b| a.checked_sub(b))
            })
            .ok_or(Overflow)?;
        let denominator = self
            .denominator
            .checked_mul(product.denominator)
            .ok_or(Overflow)?;
        Self::reduced(numerator, denominator)
    }

    pub fn times(self, other: Self) -> Result<Self, Overflow> {
        let numerator = self
            .numerator
            .checked_mul(other.numerator)
            .ok_or(Overflow)?;
        let denominator = self
            .denominator
            .checked_mul(other.denominator)
            .ok_or(Overflow)?;
        Self::reduced(numerator, denominator)
    }

    pub fn divided_by(self, other: Self) -> Result<Self, Overflow> {
        let numerator = self
            .numerator
            .checked_mul(other.denominator)
            .ok_or(Overflow)?;
        let denominator = self
            .denominator
            .checked_mul(other.numerator)
            .ok_or(Overflow)?;
        Self::reduced(numerator, denominator)
    }
}

fn gcd(a: i128, b: i128) -> i128 {
    let (mut a, mut b) = (a.unsigned_abs(), b.unsigned_abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    i128::try_from(a).unwrap_or(1)
}

/// Coefficients `λ` with `Σ λᵢ · vectors[i] = target`, if there are any (one solution: free
/// coefficients are 0). Every vector and the target have the same length.
pub fn express(vectors: &[Vec<Ratio>], target: &[Ratio]) -> Result<Option<Vec<Ratio>>, Overflow> {
    // The augmented matrix: one row per coordinate, one column per vector, then the target.
    let columns = vectors.len();
    let mut rows: Vec<Vec<Ratio>> = target
        .iter()
        .enumerate()
        .map(|(coordinate, value)| {
            let mut row: Vec<Ratio> = vectors
                .iter()
                .map(|vector| vector.get(coordinate).copied().unwrap_or(Ratio::ZERO))
                .collect();
            row.push(*value);
            row
        })
        .collect();

    // Reduced row echelon form; `pivots[r]` is the column of row r's leading 1.
    let mut pivots: Vec<usize> = Vec::new();
    for column in 0..columns {
        let next = pivots.len();
        let Some(found) = (next..rows.len()).find(|&r| !entry(&rows, r, column).is_zero()) else {
            continue;
        };
        rows.swap(next, found);
        let pivot = entry(&rows, next, column);
        let pivot_row: Vec<Ratio> = match rows.get(next) {
            Some(row) => row
                .iter()
                .map(|value| value.divided_by(pivot))
                .collect::<Result<_, _>>()?,
            None => continue,
        };
        for (r, row) in rows.iter_mut().enumerate() {
            let factor = row.get(column).copied().unwrap_or(Ratio::ZERO);
            if r == next || factor.is_zero() {
                continue;
            }
            for (value, pivot_value) in row.iter_mut().zip(&pivot_row) {
                *value = value.minus_product(factor, *pivot_value)?;
            }
        }
        if let Some(row) = rows.get_mut(next) {
            *row = pivot_row;
        }
        pivots.push(column);
    }

    // Consistent only if no row below the pivots asks 0 = non-zero.
    let inconsistent = rows
        .iter()
        .skip(pivots.len())
        .any(|row| !row.get(columns).copied().unwrap_or(Ratio::ZERO).is_zero());
    if inconsistent {
        return Ok(None);
    }
    let mut coefficients = vec![Ratio::ZERO; columns];
    for (row, column) in rows.iter().zip(&pivots) {
        if let (Some(slot), Some(value)) = (coefficients.get_mut(*column), row.get(columns)) {
            *slot = *value;
        }
    }
    Ok(Some(coefficients))
}

fn entry(rows: &[Vec<Ratio>], row: usize, column: usize) -> Ratio {
    rows.get(row)
        .and_then(|r| r.get(column))
        .copied()
        .unwrap_or(Ratio::ZERO)
}
