/**
 * The fake cluster's object store: what etcd holds behind the API server. Objects are keyed
 * "<resource>/<namespace>/<name>" (cluster-scoped ones: "<resource>//<name>"). Every write
 * bumps one resourceVersion counter and tells the listeners, which is how the controllers and
 * the kubelets learn of changes (the fake's stand-in for watches).
 */
export type Obj = Record<string | symbol, any>;

export const keyOf = (resource: string, namespace: string, name: string) => `${resource}/${resource === 'namespaces' ? '' : namespace}/${name}`;

export class ObjectStore {
  readonly objects = new Map<string, Obj>();
  /** Objects put in by a test as if made earlier: no controller manages them. */
  readonly unmanaged = new WeakSet<Obj>();
  private seq = 0;
  private readonly listeners = new Set<() => void>();

  /** A fresh uid / resourceVersion number. */
  next(): number {
    return ++this.seq;
  }

  onChange(f: () => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  changed(): void {
    for (const f of [...this.listeners]) f();
  }

  get(resource: string, namespace: string, name: string): Obj | undefined {
    return this.objects.get(keyOf(resource, namespace, name));
  }

  /** Objects of a resource, in one namespace or (namespace undefined) all. */
  list(resource: string, namespace?: string): Obj[] {
    const out: Obj[] = [];
    for (const [k, v] of this.objects) {
      const [r, ns] = k.split('/');
      if (r === resource && (namespace === undefined || ns === namespace)) out.push(v);
    }
    return out;
  }

  /** Every object of a namespace, whatever its resource (the namespace controller's view). */
  inNamespace(namespace: string): [string, Obj][] {
    return [...this.objects.entries()].filter(([k]) => k.split('/')[1] === namespace && !k.startsWith('namespaces/'));
  }

  /** Stores a new object: uid, resourceVersion, creationTimestamp, Secret stringData -> data. */
  create(resource: string, namespace: string, obj: Obj): Obj {
    const n = this.next();
    obj.metadata = {
      ...obj.metadata,
      namespace: resource === 'namespaces' ? undefined : namespace,
      uid: `uid-${n}`,
      resourceVersion: String(n),
      creationTimestamp: new Date(Date.now() + n).toISOString(),
    };
    if (obj.kind === 'Secret' && obj.stringData) {
      obj.data = { ...obj.data, ...Object.fromEntries(Object.entries(obj.stringData as Record<string, string>).map(([k, v]) => [k, Buffer.from(v).toString('base64')])) };
      delete obj.stringData;
    }
    this.objects.set(keyOf(resource, namespace, obj.metadata.name), obj);
    this.changed();
    return obj;
  }

  /** Changes an object in place and bumps its resourceVersion. */
  update(obj: Obj, mutate: (o: Obj) => void): void {
    mutate(obj);
    obj.metadata.resourceVersion = String(this.next());
    this.changed();
  }

  /** Takes the object out of the store for good (its finalizers are done). */
  remove(resource: string, obj: Obj): void {
    const k = keyOf(resource, obj.metadata.namespace ?? '', obj.metadata.name);
    if (this.objects.get(k) === obj) {
      this.objects.delete(k);
      this.next();
      this.changed();
    }
  }

  /** The resource an object is stored under. */
  resourceOf(obj: Obj): string | undefined {
    for (const [k, v] of this.objects) if (v === obj) return k.split('/')[0];
    return undefined;
  }

  byUid(uid: string): Obj | undefined {
    for (const v of this.objects.values()) if (v.metadata?.uid === uid) return v;
    return undefined;
  }
}
