#!/usr/bin/env python3
"""A STIX 2.1 bundle for the sharing hub benchmark, deterministic for a seed.

Writes one bundle of --objects objects, one object a line, to OUT:
  - malware and threat-actor objects (about 1 in 100),
  - indicators (about 6 in 10) with STIX patterns on domains, URLs, IPv4 and IPv6
    addresses and CIDR ranges, and MD5/SHA-256 file hashes; about 1 in 10 is an OR of two
    comparisons, and about 1 in 20 repeats an observable of an earlier indicator so that
    correlation has something to find,
  - relationships (the rest): indicator `indicates` malware, malware `attributed-to`
    threat-actor.
Markings are the TLP 2.0 ids (CLEAR, GREEN, AMBER), authors one of a few identities.
Ids are UUIDs drawn from the seeded generator, so two runs give the same bytes.
"""
import argparse
import json
import random
import uuid

TLP_CLEAR = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"
TLP_GREEN = "marking-definition--bab4a63c-aeb9-45ae-b1c1-c8d0b2cf03ee"
TLP_AMBER = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
TLDS = ["com", "net", "org", "xyz", "top", "ru", "info", "biz", "online", "site", "jp"]
SYLLABLES = ["ka", "ki", "ku", "ke", "ko", "sa", "shi", "su", "se", "so", "ta", "chi", "tsu",
             "te", "to", "na", "ni", "nu", "ne", "no", "ma", "mi", "mu", "me", "mo", "ra",
             "ri", "ru", "re", "ro", "pay", "bank", "secure", "login", "verify", "cdn"]
PATHS = ["login", "auth", "wp-admin", "gate.php", "update", "invoice", "payload.bin",
         "api/v2/beacon", "static/js/app.js", "download"]
MALWARE_KINDS = ["trojan", "ransomware", "backdoor", "remote-access-trojan", "bot",
                 "downloader", "spyware"]
INDICATOR_LABELS = ["malicious-activity", "anomalous-activity", "attribution", "compromised"]
PHASES = ["reconnaissance", "delivery", "exploitation", "installation",
          "command-and-control", "actions-on-objectives"]


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.observables = []  # (kind, value) of earlier indicators, for repeats

    def uuid(self):
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def timestamp(self, base_day=0):
        day = base_day + self.rng.randrange(0, 700)
        year, day_of_year = 2023 + day // 365, day % 365
        month, day_of_month = 1 + day_of_year // 31 % 12, 1 + day_of_year % 28
        return "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" % (
            year, month, day_of_month, self.rng.randrange(24), self.rng.randrange(60),
            self.rng.randrange(60), self.rng.randrange(1000))

    def label(self):
        return "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.randrange(2, 4))) + \
            str(self.rng.randrange(10, 9999))

    def domain(self):
        name = self.label() + "." + self.rng.choice(TLDS)
        if self.rng.random() < 0.3:
            name = self.rng.choice(["www", "mail", "cdn", "portal", "secure"]) + "." + name
        return name

    def observable(self):
        if self.observables and self.rng.random() < 0.05:
            return self.rng.choice(self.observables)
        roll = self.rng.random()
        if roll < 0.35:
            kind, value = "domain-name:value", self.domain()
        elif roll < 0.60:
            kind, value = "url:value", "https://%s/%s?id=%d" % (
                self.domain(), self.rng.choice(PATHS), self.rng.randrange(100000))
        elif roll < 0.78:
            kind, value = "ipv4-addr:value", "%d.%d.%d.%d" % (
                self.rng.randrange(40, 100), self.rng.randrange(256), self.rng.randrange(256),
                self.rng.randrange(1, 255))
            if self.rng.random() < 0.1:
                value = value.rsplit(".", 1)[0] + ".0/24"
        elif roll < 0.83:
            kind, value = "ipv6-addr:value", "2001:db8:%x:%x::%x" % (
                self.rng.randrange(65536), self.rng.randrange(65536), self.rng.randrange(65536))
        elif roll < 0.93:
            kind, value = "file:hashes.'SHA-256'", "%064x" % self.rng.getrandbits(256)
        else:
            kind, value = "file:hashes.MD5", "%032x" % self.rng.getrandbits(128)
        if len(self.observables) < 200000:
            self.observables.append((kind, value))
        return kind, value

    def common(self, kind, authors):
        created = self.timestamp()
        return {
            "type": kind,
            "spec_version": "2.1",
            "id": "%s--%s" % (kind, self.uuid()),
            "created": created,
            "modified": created,
            "created_by_ref": self.rng.choice(authors),
            "object_marking_refs": [self.rng.choices([TLP_CLEAR, TLP_GREEN, TLP_AMBER],
                                                     [1, 6, 3])[0]],
        }

    def indicator(self, authors):
        o = self.common("indicator", authors)
        terms = [self.observable() for _ in range(2 if self.rng.random() < 0.1 else 1)]
        o["name"] = "%s %s" % (terms[0][0].split(":")[0], terms[0][1])
        o["description"] = "Observed in a %s campaign against financial institutions." % \
            self.rng.choice(["phishing", "credential-stuffing", "banking-trojan", "ransomware"])
        o["indicator_types"] = [self.rng.choice(INDICATOR_LABELS)]
        o["pattern"] = " OR ".join("[%s = '%s']" % term for term in terms)
        o["pattern_type"] = "stix"
        o["valid_from"] = o["created"]
        o["confidence"] = self.rng.choice([30, 50, 70, 85, 100])
        o["kill_chain_phases"] = [{"kill_chain_name": "lockheed-martin-cyber-kill-chain",
                                   "phase_name": self.rng.choice(PHASES)}]
        o["labels"] = ["fin-sector"]
        return o

    def malware(self, authors):
        o = self.common("malware", authors)
        o["name"] = self.label().capitalize()
        o["is_family"] = True
        o["malware_types"] = [self.rng.choice(MALWARE_KINDS)]
        o["description"] = "Malware family seen targeting online banking customers."
        return o

    def threat_actor(self, authors):
        o = self.common("threat-actor", authors)
        o["name"] = self.label().capitalize() + " Group"
        o["threat_actor_types"] = [self.rng.choice(["crime-syndicate", "nation-state",
                                                    "criminal", "hacker"])]
        return o

    def relationship(self, kind, source, target, authors):
        o = self.common("relationship", authors)
        o["relationship_type"] = kind
        o["source_ref"] = source
        o["target_ref"] = target
        return o


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", help="bundle file to write")
    parser.add_argument("--objects", type=int, default=1000000)
    parser.add_argument("--seed", type=int, default=20241127)
    args = parser.parse_args()

    g = Generator(args.seed)
    authors = ["identity--" + g.uuid() for _ in range(8)]
    entities = max(2, args.objects // 100)
    written = 0
    with open(args.out, "w", encoding="utf-8") as out:
        out.write('{"type":"bundle","id":"bundle--%s","objects":[\n' % g.uuid())

        def emit(obj):
            nonlocal written
            out.write((",\n" if written else "") + json.dumps(obj, separators=(",", ":")))
            written += 1

        malware, actors = [], []
        for i in range(entities):
            o = g.malware(authors) if i % 2 == 0 else g.threat_actor(authors)
            (malware if i % 2 == 0 else actors).append(o["id"])
            emit(o)
        for m in malware:
            if written >= args.objects:
                break
            emit(g.relationship("attributed-to", m, g.rng.choice(actors), authors))
        # The rest: each indicator followed by its `indicates` relationship, about two
        # indicators in three with one.
        while written < args.objects:
            indicator = g.indicator(authors)
            emit(indicator)
            if written < args.objects and g.rng.random() < 0.67:
                emit(g.relationship("indicates", indicator["id"], g.rng.choice(malware),
                                    authors))
        out.write("\n]}\n")


if __name__ == "__main__":
    main()
