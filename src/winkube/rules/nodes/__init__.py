"""Node objects (`kubectl get nodes -o yaml`): supported Windows versions, end of support, container
runtimes, the windows-build label, the recommended taint and version skew.

Every rule here judges Windows nodes only (label kubernetes.io/os=windows, its beta twin, or
status.nodeInfo.operatingSystem=windows); Linux nodes never produce a finding. The Windows build is
read from the node.kubernetes.io/windows-build label or status.nodeInfo.kernelVersion, never from
osImage (Windows 11 hosts report "Windows 10 Enterprise", SAC hosts "Windows Server Datacenter").
Per-release facts live in knowledge/k8s_releases.yaml; Windows builds in knowledge/windows_builds.yaml.
"""
