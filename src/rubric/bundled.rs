//! The example rubrics shipped inside the binary, so `merit demo` works from any folder.

/// (file name, YAML source) of each bundled rubric.
pub const BUNDLED: &[(&str, &str)] = &[
    (
        "teaching-practice.yaml",
        include_str!("../../rubrics/teaching-practice.yaml"),
    ),
    (
        "data-cleaning.yaml",
        include_str!("../../rubrics/data-cleaning.yaml"),
    ),
    (
        "secure-code-review.yaml",
        include_str!("../../rubrics/secure-code-review.yaml"),
    ),
];
