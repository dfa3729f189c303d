"""winkube's one exception tree. Every error winkube raises on purpose is a WinkubeError, so a
front door can catch it, print its message (never a traceback) and choose the exit code:

    WinkubeError
    ├── InvalidInput (also a ValueError)   input that cannot be read: YAML (load.k8syaml.YAMLInputError),
    │                                      a workload plan cannot read (plan.planner.WorkloadError), an
    │                                      AdmissionReview (webhook.review.BadReview), a JSON dump (cluster.dump)
    ├── ConfigError (also a ValueError)    configuration that cannot be used: .winkube.yaml and webhook
    │                                      policy (config), profiles (model.profile.ProfileError),
    │                                      kubeconfigs (cluster.config.KubeconfigError)
    ├── ClusterError                       talking to the cluster failed (cluster.client.ClusterError)
    ├── RegistryError                      image references and registries (registry.reference.
    │                                      ImageReferenceError, registry.errors.ResolveFailure)
    └── boundedio.OutputTooLarge           a credential plugin/helper printed past its cap (caught where
                                           raised: a KubeconfigError / a credential-helper warning)

Findings and input errors that a run reports and goes on from are values (model.finding), not
exceptions. The ValueError bases keep argparse's type= conversion and existing callers working.
"""
from __future__ import annotations


class WinkubeError(Exception):
    """The root: something winkube refuses or cannot do, with a message for users."""


class InvalidInput(WinkubeError, ValueError):
    """Input that cannot be read or decoded as Kubernetes would."""


class ConfigError(WinkubeError, ValueError):
    """A configuration (config file, policy, profile, kubeconfig) that cannot be used; the message
    names the file and the key, for users."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class RegistryError(WinkubeError):
    """An image reference or a registry that cannot be used."""


__all__ = ["WinkubeError", "InvalidInput", "ConfigError", "RegistryError"]
