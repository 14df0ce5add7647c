extension ISOLayout {
    /// Phase: every node's identifier in the primary tree (level 1, 8.3) and the Joliet tree (UCS-2), and
    /// each directory's children in the order its records are written (ECMA-119 §9.3; Joliet by code unit).
    struct Names {
        var isoIdentifier: [[UInt8]]
        var jolietIdentifier: [[UInt8]]
        var isoChildren: [[Int]]
        var jolietChildren: [[Int]]

        static func assign(_ nodes: [ISOBuilder.Node], joliet: Bool) throws -> Names {
            var names = Names(isoIdentifier: .init(repeating: [], count: nodes.count),
                              jolietIdentifier: .init(repeating: [], count: nodes.count),
                              isoChildren: .init(repeating: [], count: nodes.count),
                              jolietChildren: .init(repeating: [], count: nodes.count))
            for (index, node) in nodes.enumerated() where node.isDirectory {
                var taken = Set<[UInt8]>()
                // Name collisions are resolved in byte order of the given names, so the result does not
                // depend on the order of addFile calls.
                for child in node.children.sorted(by: { Array(nodes[$0].name.utf8).lexicographicallyPrecedes(Array(nodes[$1].name.utf8)) }) {
                    let identifier = try ISO9660Naming.level1Identifier(for: nodes[child].name,
                                                                        isDirectory: nodes[child].isDirectory, taken: taken)
                    taken.insert(identifier)
                    names.isoIdentifier[child] = identifier
                    if joliet {
                        names.jolietIdentifier[child] = try ISO9660Naming.jolietIdentifier(for: nodes[child].name,
                                                                                          path: ISOLayout.path(nodes, child))
                    }
                }
                names.isoChildren[index] = node.children.sorted {
                    ISO9660Naming.precedes(names.isoIdentifier[$0], names.isoIdentifier[$1])
                }
                names.jolietChildren[index] = node.children.sorted {
                    ISO9660Naming.jolietPrecedes(names.jolietIdentifier[$0], names.jolietIdentifier[$1])
                }
            }
            return names
        }
    }

    // MARK: - Phase: directory list

    /// The directories of one tree breadth first (path table order: level, parent number, identifier),
    /// refusing more than 8 levels (ECMA-119 §6.8.2.1) or more directories than a path table numbers.
    static func directoryList(_ nodes: [ISOBuilder.Node], children: [[Int]], identifiers: [[UInt8]]) throws -> [Directory] {
        var list = [Directory(node: 0, parentDirectory: 0, identifier: [0])]
        var depth = [1]
        var head = 0
        while head < list.count {
            for child in children[list[head].node] where nodes[child].isDirectory {
                guard depth[head] < 8 else {
                    throw ISO9660Error.invalidBuildInput(detail: "\(path(nodes, child)) is nested deeper than "
                                                             + "the 8 directory levels ECMA-119 §6.8.2.1 allows",
                                                         fix: "flatten the tree")
                }
                list.append(Directory(node: child, parentDirectory: head, identifier: identifiers[child]))
                depth.append(depth[head] + 1)
            }
            head += 1
        }
        guard list.count <= 65535 else {
            throw ISO9660Error.invalidBuildInput(detail: "\(list.count) directories; path tables number at most 65535",
                                                 fix: "use fewer directories")
        }
        return list
    }
}
