"""KubeletConfiguration files (kubelet.config.k8s.io/v1beta1) judged as Windows kubelet configuration.

A KubeletConfiguration does not say which OS it is for, and kubeadm hands one cluster-wide file to
Linux and Windows nodes alike (the cause of kubernetes/kubeadm#2967). The rules here therefore
decide per file (see `_common.windows_reason`):

* a containerRuntimeEndpoint / imageServiceEndpoint on a named pipe (npipe://) or any Windows
  drive path (C:\\...) in the file: Windows, whatever the profile says;
* a unix:// endpoint: Linux, never judged;
* otherwise: Windows only when the cluster profile has Windows node pools, and every message says
  it was judged so because of the profile.

--windows-priorityclass and --windows-service are command-line flags of the Windows kubelet with
no KubeletConfiguration field; a config file cannot carry them, so no rule here can check them.
Option facts per release live in knowledge/kubelet_windows.yaml.
"""
