"""RuntimeClass objects: Hyper-V handlers, scheduling that matches no node pool of the cluster
profile, and Windows RuntimeClasses that do not tolerate the Windows pools' taints.

The RuntimeClass admission plugin merges scheduling.nodeSelector and scheduling.tolerations into
every pod that names the class, so these rules judge the class once for all its pods (the
pod-level view of the same merge lives in targeting.py).
"""
