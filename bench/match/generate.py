#!/usr/bin/env python3
"""Test data for the indicator matcher benchmark, deterministic for a seed.

Writes into OUT:
  access.log           a Squid native access log of about --log-mb MB, with planted hits
                       and near misses
  truth.json           how many log lines hold a planted hit (each holds exactly one),
                       and how many hold a near miss of each kind
  set-N.csv            N mixed indicators (type,value,id) for each N of --sets: mostly
                       domains and URLs, with IPv4 addresses and CIDR ranges, IPv6
                       addresses and hashes; every set holds the planted ones
  set-N.txt            the same values as plain strings, one a line, for grep -F / rg -F
  set-N.json           the same indicators as a STIX 2.1 bundle (with --bundles)

Indicator names and benign traffic come from disjoint name spaces (indicator labels carry
a digit, benign ones never do; indicator IPv4 addresses are in 40-99.x.x.x, benign
servers in 140-199.x.x.x, clients in 10.0.0.0/8), so only planted lines can match.
"""
import argparse
import json
import os
import random
import uuid

BENIGN_TLDS = ["com", "net", "org", "jp", "co.jp", "io", "de", "info"]
INDICATOR_TLDS = ["com", "net", "org", "xyz", "top", "ru", "info", "biz", "online", "site"]
MIMES = ["text/html", "application/javascript", "image/png", "text/css", "application/json",
         "image/jpeg", "font/woff2", "application/octet-stream"]
SYLLABLES = ["ka", "ki", "ku", "ke", "ko", "sa", "shi", "su", "se", "so", "ta", "chi", "tsu",
             "te", "to", "na", "ni", "nu", "ne", "no", "ma", "mi", "mu", "me", "mo", "ra",
             "ri", "ru", "re", "ro", "ban", "gin", "net", "web", "app", "cdn", "img", "api"]
PATH_WORDS = ["index", "static", "assets", "img", "js", "css", "api", "v1", "v2", "user",
              "login", "news", "search", "item", "cart", "media", "thumb", "data", "feed"]
EXTENSIONS = ["html", "js", "css", "png", "jpg", "json", "php", "woff2", "svg", "gif"]
ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"


def benign_label(rng):
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


def indicator_label(rng):
    # Always holds a digit: benign labels never do, so the name spaces cannot meet.
    label = "".join(rng.choice(ALNUM) for _ in range(rng.randint(6, 12)))
    position = rng.randrange(len(label))
    return label[:position] + rng.choice("0123456789") + label[position + 1:]


def indicator_domain(rng):
    labels = [indicator_label(rng)]
    if rng.random() < 0.3:
        labels.insert(0, indicator_label(rng))
    return ".".join(labels) + "." + rng.choice(INDICATOR_TLDS)


def random_path(rng):
    words = [rng.choice(PATH_WORDS) for _ in range(rng.randint(1, 4))]
    path = "/" + "/".join(words)
    if rng.random() < 0.7:
        path += "/" + benign_label(rng) + "." + rng.choice(EXTENSIONS)
    if rng.random() < 0.3:
        path += "?id=%d&ref=%s" % (rng.randint(1, 99999), rng.choice(PATH_WORDS))
    return path


def indicator_ip(rng):
    return "%d.%d.%d.%d" % (rng.randint(40, 99), rng.randint(0, 255), rng.randint(0, 255),
                            rng.randint(1, 254))


def hex_string(rng, length):
    return "%0*x" % (length, rng.getrandbits(length * 4))


class IndicatorSet:
    """The indicators of the largest set, planted ones first."""

    def __init__(self, rng, size, planted):
        self.rows = []  # (type, value, id)
        self.domains = []
        self.urls = []
        self.ips = []
        self.cidrs = []  # (network text, first, last) as integers
        self.hashes = []
        self.cidr_blocks = set()  # /24 blocks touched by a CIDR indicator
        seen = set()

        def add(kind, value):
            if (kind, value) in seen:
                return False
            seen.add((kind, value))
            self.rows.append((kind, value, "indicator--" + str(uuid.UUID(int=rng.getrandbits(128), version=4))))
            return True

        def add_one(index):
            r = rng.random()
            if r < 0.55:
                domain = indicator_domain(rng)
                if add("domain", domain):
                    self.domains.append(domain)
            elif r < 0.85:
                url = "http://%s%s" % (indicator_domain(rng), random_path(rng))
                if add("url", url):
                    self.urls.append(url)
            elif r < 0.90:
                ip = indicator_ip(rng)
                if add("ipv4", ip):
                    self.ips.append(ip)
            elif r < 0.92:
                prefix = rng.randint(24, 30)
                base = ip_to_int(indicator_ip(rng)) & ~((1 << (32 - prefix)) - 1) & 0xFFFFFFFF
                text = "%s/%d" % (int_to_ip(base), prefix)
                if add("cidr", text):
                    self.cidrs.append((text, base, base + (1 << (32 - prefix)) - 1))
                    self.cidr_blocks.add(int_to_ip(base).rsplit(".", 1)[0])
            elif r < 0.93:
                add("ipv6", "2001:db8:%x:%x::%x" % (rng.getrandbits(16), rng.getrandbits(16),
                                                   rng.getrandbits(16) | 1))
            else:
                kind, length = rng.choice([("md5", 32), ("sha1", 40), ("sha256", 64)])
                value = hex_string(rng, length)
                if add(kind, value):
                    self.hashes.append(value)

        # Planted ones first, so that every set (a prefix of this one) holds them.
        while len(self.rows) < planted:
            add_one(len(self.rows))
        self.planted = len(self.rows)
        while len(self.rows) < size:
            add_one(len(self.rows))


def ip_to_int(text):
    a, b, c, d = (int(x) for x in text.split("."))
    return (a << 24) | (b << 16) | (c << 8) | d


def int_to_ip(value):
    return "%d.%d.%d.%d" % (value >> 24, (value >> 16) & 255, (value >> 8) & 255, value & 255)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    parser.add_argument("--log-mb", type=int, default=100)
    parser.add_argument("--sets", default="10000,100000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--hit-every", type=int, default=5000, help="one planted hit per N lines")
    parser.add_argument("--bundles", action="store_true", help="also write STIX bundles")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(args.seed)
    sizes = sorted(int(s) for s in args.sets.split(","))
    indicators = IndicatorSet(rng, sizes[-1], planted=min(400, sizes[0]))

    # The planted part, by kind.
    planted = indicators.rows[:indicators.planted]
    p_domains = [v for k, v, _ in planted if k == "domain"]
    p_urls = [v for k, v, _ in planted if k == "url"]
    p_ips = [v for k, v, _ in planted if k == "ipv4"]
    p_cidrs = [c for c in indicators.cidrs if any(v == c[0] for k, v, _ in planted if k == "cidr")]
    p_hashes = [v for k, v, _ in planted if k in ("md5", "sha1", "sha256")]

    benign_hosts = []
    for _ in range(20000):
        host = benign_label(rng) + "." + rng.choice(BENIGN_TLDS)
        benign_hosts.append(rng.choice(["www.", "cdn.", "api.", "img.", ""]) + host)

    truth = {"lines": 0, "hit_lines": 0, "hits_by_kind": {}, "near_misses_by_kind": {}}

    def count(table, kind):
        truth[table][kind] = truth[table].get(kind, 0) + 1

    def planted_url_line():
        """A URL (and server) that holds exactly one planted indicator."""
        r = rng.random()
        server = "%d.%d.%d.%d" % (rng.randint(140, 199), rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254))
        if r < 0.4 and p_domains:
            domain = rng.choice(p_domains)
            host = rng.choice(["", "www.", "a.b."]) + domain
            if rng.random() < 0.2:
                host = host.upper()
            count("hits_by_kind", "domain")
            return "http://%s%s" % (host, random_path(rng)), server
        if r < 0.7 and p_urls:
            url = rng.choice(p_urls)
            scheme_end = url.index("://") + 3
            host_end = url.index("/", scheme_end)
            variant = rng.random()
            if variant < 0.3:  # the same URL written another way
                url = url[:scheme_end] + url[scheme_end:host_end].upper() + ":80" + url[host_end:]
            count("hits_by_kind", "url")
            return url, server
        if r < 0.85 and p_ips:
            count("hits_by_kind", "ipv4")
            return "http://%s%s" % (rng.choice(benign_hosts), random_path(rng)), rng.choice(p_ips)
        if r < 0.9 and p_cidrs:
            _, first, last = rng.choice(p_cidrs)
            count("hits_by_kind", "cidr")
            return "http://%s%s" % (rng.choice(benign_hosts), random_path(rng)), int_to_ip(rng.randint(first, last))
        if p_hashes:
            count("hits_by_kind", "hash")
            return "http://%s/download?sha=%s" % (rng.choice(benign_hosts), rng.choice(p_hashes)), server
        return None

    def near_miss_line():
        """A URL that a substring matcher takes for an indicator, but none is."""
        server = "%d.%d.%d.%d" % (rng.randint(140, 199), rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254))
        r = rng.random()
        if r < 0.35 and p_domains:
            domain = rng.choice(p_domains)
            host = rng.choice(["not", "x-", "my"]) + domain if rng.random() < 0.5 else domain + ".example.com"
            count("near_misses_by_kind", "domain")
            return "http://%s%s" % (host, random_path(rng)), server
        if r < 0.6 and p_urls:
            count("near_misses_by_kind", "url")
            return rng.choice(p_urls) + "x", server
        if r < 0.8 and p_ips:
            # Another address starting with the same digits: "1.2.3.4" inside "1.2.3.45".
            ip = rng.choice(p_ips)
            last = int(ip.rsplit(".", 1)[1])
            longer = ip + "0" if last < 26 else None
            if (longer and longer not in indicators.ips and
                    ip.rsplit(".", 1)[0] not in indicators.cidr_blocks):
                count("near_misses_by_kind", "ipv4")
                return "http://%s%s" % (rng.choice(benign_hosts), random_path(rng)), longer
        if p_hashes:
            count("near_misses_by_kind", "hash")
            return "http://%s/download?sha=%s" % (rng.choice(benign_hosts), "0" + rng.choice(p_hashes) + "f"), server
        return None

    target = args.log_mb * 1000 * 1000
    written = 0
    timestamp = 1732600000.0
    with open(os.path.join(args.out, "access.log"), "w", buffering=1 << 22) as log:
        lines = []
        while written < target:
            timestamp += rng.random() * 0.01
            roll = rng.randrange(args.hit_every)
            url = server = None
            if roll == 0:
                picked = planted_url_line()
                if picked:
                    url, server = picked
                    truth["hit_lines"] += 1
            elif roll == 1:
                picked = near_miss_line()
                if picked:
                    url, server = picked
            if url is None:
                url = "http://%s%s" % (rng.choice(benign_hosts), random_path(rng))
                server = "%d.%d.%d.%d" % (rng.randint(140, 199), rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254))
            line = "%.3f %6d 10.%d.%d.%d TCP_MISS/200 %d GET %s - HIER_DIRECT/%s %s\n" % (
                timestamp, rng.randint(1, 3000), rng.randint(0, 255), rng.randint(0, 255),
                rng.randint(1, 254), rng.randint(200, 90000), url, server, rng.choice(MIMES))
            lines.append(line)
            written += len(line)
            truth["lines"] += 1
            if len(lines) >= 10000:
                log.write("".join(lines))
                lines = []
        log.write("".join(lines))
    truth["log_bytes"] = written
    truth["planted_indicators"] = indicators.planted

    for size in sizes:
        rows = indicators.rows[:size]
        with open(os.path.join(args.out, "set-%d.csv" % size), "w") as csv:
            csv.write("type,value,id\n")
            for kind, value, ident in rows:
                csv.write("%s,%s,%s\n" % (kind, value, ident))
        with open(os.path.join(args.out, "set-%d.txt" % size), "w") as txt:
            for kind, value, _ in rows:
                txt.write(value + "\n")
        if args.bundles:
            write_bundle(os.path.join(args.out, "set-%d.json" % size), rows)
    with open(os.path.join(args.out, "truth.json"), "w") as f:
        json.dump(truth, f, indent=2, sort_keys=True)
    print(json.dumps(truth, sort_keys=True))


def write_bundle(path, rows):
    stix_path = {"domain": "domain-name:value", "url": "url:value", "ipv4": "ipv4-addr:value",
                 "cidr": "ipv4-addr:value", "ipv6": "ipv6-addr:value", "md5": "file:hashes.MD5",
                 "sha1": "file:hashes.'SHA-1'", "sha256": "file:hashes.'SHA-256'"}
    with open(path, "w", buffering=1 << 22) as out:
        out.write('{"type":"bundle","id":"bundle--%s","objects":[' % uuid.UUID(int=len(rows), version=4))
        for i, (kind, value, ident) in enumerate(rows):
            indicator = {"type": "indicator", "spec_version": "2.1", "id": ident,
                         "created": "2024-11-01T00:00:00.000Z", "modified": "2024-11-01T00:00:00.000Z",
                         "pattern_type": "stix", "valid_from": "2024-11-01T00:00:00Z",
                         "pattern": "[%s = '%s']" % (stix_path[kind], value.replace("\\", "\\\\").replace("'", "\\'"))}
            out.write(("," if i else "") + json.dumps(indicator, separators=(",", ":")))
        out.write("]}\n")


if __name__ == "__main__":
    main()
