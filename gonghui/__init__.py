"""Gonghui (工会): a service platform for Chinese trade-union federations."""
