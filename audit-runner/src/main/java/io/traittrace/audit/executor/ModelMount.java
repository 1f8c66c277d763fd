package io.traittrace.audit.executor;

import java.util.List;

/**
 * A model a Job mounts read-only at {@code mountPath}, where the probe loads it.
 *
 * @param role the model's role in the audit (student, base, teacher, control), which names the volume
 * @param kind "pvc" (a claim and a sub-path), "oci" (an image volume of an artifact pinned by digest) or "s3" (an emptyDir an
 *        init container fills)
 * @param mountPath where the probe sees the model
 * @param claim for pvc: the PersistentVolumeClaim
 * @param subPath for pvc: the directory inside the claim, or "" for its root
 * @param reference for oci: the artifact reference with its digest
 * @param fetchImage for s3: the init container's image
 * @param fetchCommand for s3: its command, bucket, prefix and target filled in
 * @param credentialsSecret for s3: a Secret whose keys become the fetch container's environment, or null
 */
public record ModelMount(String role, String kind, String mountPath, String claim, String subPath, String reference, String fetchImage,
        List<String> fetchCommand, String credentialsSecret) {
}
