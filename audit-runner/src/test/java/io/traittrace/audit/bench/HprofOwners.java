package io.traittrace.audit.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A minimal HPROF reader for the benchmark's heap dumps ({@code -Dbench.heap-dump=true}): it says which
 * application or framework class owns the JDK objects (strings, maps, arrays) that a class histogram only counts.
 * An object's owner is the nearest object up its (first found) referrer chain whose class is not a JDK class;
 * shallow sizes are approximate (16-byte headers, 4-byte references in arrays). With two dumps it prints the
 * largest differences.
 *
 * <pre>
 * java -Xmx8g audit-runner/src/test/java/io/traittrace/audit/bench/HprofOwners.java \
 *     audit-runner/target/benchmark/heap-0.hprof audit-runner/target/benchmark/heap-1000.hprof
 * </pre>
 *
 * Dumps up to 2 GB (one mapped buffer); HotSpot writes every class before the instances, which this relies on.
 */
public final class HprofOwners {

    static final class LongLongMap {
        long[] keys; long[] vals; int size; static final long EMPTY = 0;
        LongLongMap(int cap) { int c = Integer.highestOneBit(Math.max(16, cap) * 2); keys = new long[c]; vals = new long[c]; }
        int idx(long k) { long h = k * 0x9E3779B97F4A7C15L; return (int) (h >>> 33) & (keys.length - 1); }
        void putIfAbsent(long k, long v) { if ((size + 1) * 2 > keys.length) grow(); int i = idx(k); while (keys[i] != EMPTY) { if (keys[i] == k) return; i = (i + 1) & (keys.length - 1); } keys[i] = k; vals[i] = v; size++; }
        void put(long k, long v) { if ((size + 1) * 2 > keys.length) grow(); int i = idx(k); while (keys[i] != EMPTY) { if (keys[i] == k) { vals[i] = v; return; } i = (i + 1) & (keys.length - 1); } keys[i] = k; vals[i] = v; size++; }
        long get(long k, long def) { int i = idx(k); while (keys[i] != EMPTY) { if (keys[i] == k) return vals[i]; i = (i + 1) & (keys.length - 1); } return def; }
        void grow() { long[] ok = keys, ov = vals; keys = new long[ok.length * 2]; vals = new long[ok.length * 2]; size = 0; for (int i = 0; i < ok.length; i++) if (ok[i] != EMPTY) put(ok[i], ov[i]); }
    }

    record Field(String name, int type) {}
    record ClassInfo(long id, long superId, List<Field> fields) {}

    Map<Long, String> strings = new HashMap<>();
    Map<Long, Long> classNameIds = new HashMap<>();
    Map<Long, ClassInfo> classes = new HashMap<>();
    // object id -> (class id) ; object id -> size ; object id -> referrer
    LongLongMap objClass = new LongLongMap(1 << 22);
    LongLongMap objSize = new LongLongMap(1 << 22);
    LongLongMap referrer = new LongLongMap(1 << 22);
    int idSize;
    static final long PRIM_ARRAY_CLASS_BASE = 1; // fake class ids 1..12 for primitive arrays by type
    static final long OBJ_ARRAY_MARK = 1L << 62;

    static int typeSize(int t, int idSize) {
        return switch (t) { case 2 -> idSize; case 4, 8 -> 1; case 5, 9 -> 2; case 6, 10 -> 4; case 7, 11 -> 8; default -> throw new IllegalArgumentException("type " + t); };
    }

    ByteBuffer buf;

    long id() { return idSize == 8 ? buf.getLong() : buf.getInt() & 0xffffffffL; }

    void read(String file) throws IOException {
        try (FileChannel ch = new RandomAccessFile(file, "r").getChannel()) {
            long len = ch.size();
            // map in chunks is complex; dumps here are < 2 GB
            buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, len);
        }
        while (buf.get() != 0) { }
        idSize = buf.getInt();
        buf.getLong();
        while (buf.hasRemaining()) {
            int tag = buf.get() & 0xff;
            buf.getInt();
            int length = buf.getInt();
            int end = buf.position() + length;
            if (tag == 0x01) {
                long sid = id();
                byte[] b = new byte[length - idSize];
                buf.get(b);
                strings.put(sid, new String(b, java.nio.charset.StandardCharsets.UTF_8));
            } else if (tag == 0x02) {
                buf.getInt();
                long cid = id();
                buf.getInt();
                long nameId = id();
                classNameIds.put(cid, nameId);
            } else if (tag == 0x0C || tag == 0x1C) {
                heap(end);
            }
            buf.position(end);
        }
    }

    void heap(int end) {
        while (buf.position() < end) {
            int sub = buf.get() & 0xff;
            switch (sub) {
                case 0xFF -> id();
                case 0x01 -> { id(); id(); }
                case 0x02, 0x03 -> { id(); buf.getInt(); buf.getInt(); }
                case 0x04 -> { id(); buf.getInt(); }
                case 0x05, 0x07 -> id();
                case 0x06 -> { id(); buf.getInt(); }
                case 0x08 -> { id(); buf.getInt(); buf.getInt(); }
                case 0x20 -> classDump();
                case 0x21 -> instance();
                case 0x22 -> objArray();
                case 0x23 -> primArray();
                default -> throw new IllegalStateException("sub " + Integer.toHexString(sub) + " at " + buf.position());
            }
        }
    }

    void classDump() {
        long cid = id();
        buf.getInt();
        long superId = id();
        for (int i = 0; i < 5; i++) id();
        buf.getInt();
        int cp = buf.getShort() & 0xffff;
        for (int i = 0; i < cp; i++) { buf.getShort(); int t = buf.get(); buf.position(buf.position() + typeSize(t, idSize)); }
        int statics = buf.getShort() & 0xffff;
        for (int i = 0; i < statics; i++) {
            id();
            int t = buf.get();
            if (t == 2) { long ref = id(); if (ref != 0) referrer.putIfAbsent(ref, cid); } else buf.position(buf.position() + typeSize(t, idSize));
        }
        int n = buf.getShort() & 0xffff;
        List<Field> fields = new ArrayList<>();
        for (int i = 0; i < n; i++) { long nameId = id(); int t = buf.get(); fields.add(new Field(String.valueOf(nameId), t)); }
        classes.put(cid, new ClassInfo(cid, superId, fields));
    }

    void instance() {
        long oid = id();
        buf.getInt();
        long cid = id();
        int n = buf.getInt();
        int end = buf.position() + n;
        objClass.put(oid, cid);
        objSize.put(oid, 16 + n);
        long c = cid;
        while (c != 0) {
            ClassInfo info = classes.get(c);
            if (info == null) break;
            for (Field f : info.fields()) {
                if (f.type() == 2) { long ref = id(); if (ref != 0) referrer.putIfAbsent(ref, oid); } else buf.position(buf.position() + typeSize(f.type(), idSize));
            }
            c = info.superId();
        }
        buf.position(end);
    }

    void objArray() {
        long oid = id();
        buf.getInt();
        int n = buf.getInt();
        long cid = id();
        objClass.put(oid, cid | OBJ_ARRAY_MARK);
        objSize.put(oid, 16 + (long) n * 4);
        for (int i = 0; i < n; i++) { long ref = id(); if (ref != 0) referrer.putIfAbsent(ref, oid); }
    }

    void primArray() {
        long oid = id();
        buf.getInt();
        int n = buf.getInt();
        int t = buf.get();
        objClass.put(oid, PRIM_ARRAY_CLASS_BASE + t);
        objSize.put(oid, 16 + (long) n * typeSize(t, idSize));
        buf.position(buf.position() + n * typeSize(t, idSize));
    }

    String className(long cid) {
        if ((cid & OBJ_ARRAY_MARK) != 0) return className(cid & ~OBJ_ARRAY_MARK) + "[]";
        if (cid < 20) return "prim[" + (cid - PRIM_ARRAY_CLASS_BASE) + "]";
        Long n = classNameIds.get(cid);
        return n == null ? "?" + cid : strings.getOrDefault(n, "?").replace('/', '.');
    }

    static boolean jdk(String name) {
        return name.startsWith("java.") || name.startsWith("jdk.") || name.startsWith("sun.") || name.startsWith("prim[") || name.startsWith("[")
                || name.startsWith("com.sun.") || name.endsWith("[]") && jdk(name.substring(0, name.length() - 2));
    }

    Map<String, long[]> owners() {
        Map<String, long[]> result = new HashMap<>();
        Map<Long, String> nameCache = new HashMap<>();
        for (int i = 0; i < objClass.keys.length; i++) {
            long oid = objClass.keys[i];
            if (oid == 0) continue;
            String own = nameCache.computeIfAbsent(objClass.vals[i], this::className);
            String key;
            if (!jdk(own)) {
                key = own + " (self)";
            } else {
                long cur = oid;
                String found = null;
                String path = own;
                for (int depth = 0; depth < 40; depth++) {
                    long ref = referrer.get(cur, 0);
                    if (ref == 0) break;
                    long rc = objClass.get(ref, -1);
                    String rn;
                    if (rc == -1) { rn = "class " + className(ref); found = "static of " + rn; break; }
                    rn = nameCache.computeIfAbsent(rc, this::className);
                    if (!jdk(rn)) { found = rn; break; }
                    if (depth < 3) path = rn + " > " + path;
                    cur = ref;
                }
                key = (found == null ? "(no owner)" : found) + "  <-  " + own;
            }
            long[] acc = result.computeIfAbsent(key, k -> new long[2]);
            acc[0]++;
            acc[1] += objSize.get(oid, 0);
        }
        return result;
    }

    public static void main(String[] args) throws IOException {
        HprofOwners a = new HprofOwners();
        a.read(args[0]);
        Map<String, long[]> oa = a.owners();
        a = null;
        System.gc();
        Map<String, long[]> ob = new HashMap<>();
        if (args.length > 1) {
            HprofOwners b = new HprofOwners();
            b.read(args[1]);
            ob = b.owners();
        }
        Set<String> keys = new HashSet<>(oa.keySet());
        keys.addAll(ob.keySet());
        List<String> sorted = new ArrayList<>(keys);
        Map<String, long[]> fob = ob;
        if (args.length > 1) {
            sorted.sort(Comparator.comparingLong(k -> -Math.abs(fob.getOrDefault(k, new long[2])[1] - oa.getOrDefault(k, new long[2])[1])));
            for (String k : sorted.subList(0, Math.min(60, sorted.size()))) {
                long[] x = oa.getOrDefault(k, new long[2]);
                long[] y = ob.getOrDefault(k, new long[2]);
                System.out.printf(Locale.ROOT, "%+,14d B %+,10d obj   %s%n", y[1] - x[1], y[0] - x[0], k);
            }
        } else {
            sorted.sort(Comparator.comparingLong(k -> -oa.get(k)[1]));
            for (String k : sorted.subList(0, Math.min(60, sorted.size()))) {
                System.out.printf(Locale.ROOT, "%,14d B %,10d obj   %s%n", oa.get(k)[1], oa.get(k)[0], k);
            }
        }
    }
}
