//! Which records feed which part and highlight of the review. A county saves
//! its outline and reuses it next year; [`Outline::default`] works with no
//! configuration.
