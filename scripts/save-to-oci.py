#!/usr/bin/env python3
"""Converts a `docker save` tar (docker 20.10 cannot write OCI) into an OCI image layout directory, with the
layers gzip-compressed as registries store them. Used by the tests and the benchmark.
    save-to-oci.py SAVE.tar OUTDIR [--plain]   (--plain keeps layers uncompressed)"""
import gzip, hashlib, json, os, shutil, sys, tarfile

def main():
    source, out = sys.argv[1], sys.argv[2]
    plain = "--plain" in sys.argv[3:]
    blobs = os.path.join(out, "blobs", "sha256")
    os.makedirs(blobs, exist_ok=True)

    def put(data):
        digest = hashlib.sha256(data).hexdigest()
        with open(os.path.join(blobs, digest), "wb") as f:
            f.write(data)
        return "sha256:" + digest, len(data)

    def put_stream(member, archive):
        tmp = os.path.join(blobs, "tmp")
        h = hashlib.sha256()
        with archive.extractfile(member) as src, open(tmp, "wb") as raw:
            dst = raw if plain else gzip.GzipFile(fileobj=raw, mode="wb", mtime=0)
            class Hashing:
                def write(self, b):
                    dst.write(b)
            shutil.copyfileobj(src, Hashing(), 1 << 20)
            if not plain:
                dst.close()
        with open(tmp, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        size = os.path.getsize(tmp)
        os.rename(tmp, os.path.join(blobs, h.hexdigest()))
        return "sha256:" + h.hexdigest(), size

    with tarfile.open(source) as archive:
        manifest = json.load(archive.extractfile("manifest.json"))
        index = {"schemaVersion": 2, "manifests": []}
        for image in manifest:
            config_digest, config_size = put(archive.extractfile(image["Config"]).read())
            layers = []
            for path in image["Layers"]:
                member = archive.getmember(path)
                while member.issym() or member.islnk():
                    target = member.linkname if member.islnk() else os.path.normpath(os.path.join(os.path.dirname(member.name), member.linkname))
                    member = archive.getmember(target)
                digest, size = put_stream(member, archive)
                media = "application/vnd.oci.image.layer.v1.tar" + ("" if plain else "+gzip")
                layers.append({"mediaType": media, "digest": digest, "size": size})
            oci = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                   "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config_size},
                   "layers": layers}
            digest, size = put(json.dumps(oci).encode())
            entry = {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": digest, "size": size}
            tags = image.get("RepoTags") or []
            if tags:
                entry["annotations"] = {"org.opencontainers.image.ref.name": tags[0]}
            index["manifests"].append(entry)
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump(index, f)
    with open(os.path.join(out, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)

main()
