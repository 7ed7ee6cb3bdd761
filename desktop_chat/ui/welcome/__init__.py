"""The first-start welcome: three ways to a working chat."""
