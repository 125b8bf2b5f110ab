import DozeJSON
import Foundation

/// `meta.k8s.io/v1` Table output (what `kubectl get` asks for): built-in kinds get their
/// kube-apiserver printer columns, custom resources their CRD's additionalPrinterColumns.
struct TableConverter: Sendable {
    let type: ResourceType
    let now: Date

    struct Column: Sendable {
        var name: String
        var type: String
        var format = ""
        var priority = 0
        var description = ""
        var cell: @Sendable (JSON, Date) -> JSON

        var definition: JSON {
            ["name": .string(name), "type": .string(type), "format": .string(format),
             "description": .string(description.isEmpty ? name : description), "priority": .int(Int64(priority))]
        }
    }

    var columns: [Column] {
        if let crd = type.definition { return Self.customColumns(crd, version: type.preferredVersion) }
        return BuiltinPrinters.columns(group: type.group, kind: type.kind) ?? Self.genericColumns
    }

    static let nameColumn = Column(name: "Name", type: "string", format: "name",
                                   description: "Name must be unique within a namespace.") { o, _ in o["metadata"]["name"] }

    static let genericColumns = [
        nameColumn,
        Column(name: "Created At", type: "date", description: "CreationTimestamp is a timestamp representing the server time when this object was created.") { o, _ in
            o["metadata"]["creationTimestamp"]
        },
    ]

    func table(_ objects: [JSON], include: String, resourceVersion: String, continueToken: String?) -> JSON {
        let cols = columns
        let rows: [JSON] = objects.map { obj in
            var row: JSON = ["cells": .array(cols.map { $0.cell(obj, now) })]
            switch include {
            case "None": break
            case "Object": row["object"] = obj
            default: row["object"] = Self.partialMetadata(obj)
            }
            if let conds = BuiltinPrinters.rowConditions(group: type.group, kind: type.kind, obj) { row["conditions"] = conds }
            return row
        }
        var meta: JSON = ["resourceVersion": .string(resourceVersion)]
        if let continueToken { meta["continue"] = .string(continueToken) }
        return ["kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": meta,
                "columnDefinitions": .array(cols.map(\.definition)), "rows": .array(rows)]
    }

    static func partialMetadata(_ obj: JSON) -> JSON {
        var meta = obj["metadata"]
        meta["managedFields"] = nil
        return ["kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": meta]
    }

    /// Name, then the CRD version's additionalPrinterColumns (or an Age column when it has none).
    static func customColumns(_ crd: JSON, version: String) -> [Column] {
        let v = (crd["spec"]["versions"].array ?? []).first { $0["name"].string == version } ?? .null
        let defs = v["additionalPrinterColumns"].array ?? crd["spec"]["additionalPrinterColumns"].array ?? []
        if defs.isEmpty {
            return [nameColumn, Column(name: "Age", type: "date") { o, now in ageCell(o["metadata"]["creationTimestamp"], now) }]
        }
        return [nameColumn] + defs.map { d in
            let colType = d["type"].string ?? "string"
            let path = d["jsonPath"].string ?? ""
            return Column(name: d["name"].string ?? "", type: colType, format: d["format"].string ?? "",
                          priority: d["priority"].int ?? 0, description: d["description"].string ?? "") { o, now in
                guard let value = SimpleJSONPath.evaluate(path, in: o).first else { return .null }
                return convert(value, to: colType, now: now)
            }
        }
    }

    static func convert(_ value: JSON, to type: String, now: Date) -> JSON {
        switch type {
        case "integer": return value.int.map { .int(Int64($0)) } ?? .null
        case "number": return value.double.map(JSON.double) ?? .null
        case "boolean": return value.bool.map(JSON.bool) ?? .null
        case "date": return ageCell(value, now)
        default:
            if case .string = value { return value }
            if case .array(let a) = value { return .string(a.map { $0.string ?? $0.serialized() }.joined(separator: ",")) }
            return .string(value.serialized())
        }
    }

    static func ageCell(_ timestamp: JSON, _ now: Date) -> JSON {
        guard let s = timestamp.string, let d = Timestamp.parse(s) else { return "<unknown>" }
        return .string(Timestamp.age(from: d, to: now))
    }
}
