//! Human output: aligned plain-text tables and the -1/0/1 labels. `--json` output is the
//! reports' serde form and does not come through here.

/// Renders rows under headers, columns padded to their widest cell.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
	let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
	for row in rows {
		for (i, cell) in row.iter().enumerate() {
			if i < widths.len() {
				widths[i] = widths[i].max(cell.chars().count());
			}
		}
	}
	let line = |cells: Vec<&str>| {
		let padded: Vec<String> =
			cells.iter().zip(&widths).map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count()))).collect();
		padded.join("  ").trim_end().to_string()
	};
	let mut out = vec![line(headers.to_vec())];
	out.push(line(widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().iter().map(String::as_str).collect()));
	for row in rows {
		out.push(line(row.iter().map(String::as_str).collect()));
	}
	out.join("\n")
}

/// What an outcome means, for people.
pub fn outcome_label(outcome: i8) -> &'static str {
	match outcome {
		-1 => "below the range",
		0 => "inside the range",
		1 => "above the range",
		_ => "invalid",
	}
}

/// The -1/0/1 table next to indicator names.
pub fn outcome_table(rows: &[crate::state::OutcomeRow]) -> String {
	let body: Vec<Vec<String>> = rows
		.iter()
		.map(|r| vec![r.code.clone(), r.name.clone(), format!("{:>2}", r.outcome), outcome_label(r.outcome).to_string()])
		.collect();
	table(&["LOINC", "indicator", "t", "meaning"], &body)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn aligns_columns() {
		let text = table(&["a", "bb"], &[vec!["xxx".into(), "y".into()]]);
		assert_eq!(text, "a    bb\n---  --\nxxx  y");
	}
}
