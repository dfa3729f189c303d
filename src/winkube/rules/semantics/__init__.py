"""Fields a Windows-bound pod sets that Windows ignores or cannot honour (stages ignored, runtime,
kubelet), and the practice of saying `spec.os.name: windows`. Fields the API server already rejects
when spec.os.name is windows are reported here only when spec.os is not set (the admission rules
report them otherwise)."""
