"""Inputs → documents: files, directories, stdin, kubectl dumps; bad input becomes InputError values."""
