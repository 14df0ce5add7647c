extension ISOImage {
    /// The tree that holds `namespace`'s names: the primary tree for ISO 9660 and Rock Ridge names (nil for
    /// Rock Ridge when the image has none), the Joliet tree for Joliet names.
    public func tree(for namespace: ISONamespace) -> ISODirectoryTree? {
        switch namespace {
        case .iso9660: return primaryTree
        case .rockRidge: return rockRidge == nil ? nil : primaryTree
        case .joliet: return jolietTree
        }
    }

    /// The extensions present, as short names for reports (`Joliet`, `Rock Ridge`, `El Torito`, `UDF`, …).
    public var extensions: [String] {
        var names: [String] = []
        if let level = jolietVolumeDescriptor?.jolietLevel { names.append("Joliet level \(level.rawValue)") }
        if let rockRidge { names.append("Rock Ridge (\(rockRidge.extensionIdentifiers.joined(separator: ", ")))") }
        if bootRecord != nil { names.append("El Torito") }
        if otherSupplementaryDescriptors.contains(where: \.isEnhanced) { names.append("ISO 9660:1999 enhanced") }
        if udfRecognition.isUDFBridge { names.append("UDF bridge") }
        if systemArea.hasMasterBootRecord { names.append("MBR in system area") }
        if systemArea.hasGUIDPartitionTable { names.append("GPT in system area") }
        return names
    }

    /// The children of a directory as `namespace` presents them. For Rock Ridge that means relocated
    /// directories (RE) are hidden from `rr_moved` and appear where their CL record stands (RRIP §4.1.5).
    public func children(of directory: ISOEntry, namespace: ISONamespace) -> [ISOEntry] {
        guard let tree = tree(for: namespace) else { return [] }
        let children = directory.children.map { tree.entries[$0] }
        guard namespace == .rockRidge else { return children }
        return children.compactMap { child in
            if child.isRelocatedDirectory { return nil }
            if let target = child.childLink {
                return primaryDirectoryByExtent[target.rawValue].map { tree.entries[$0] } ?? child
            }
            return child
        }
    }

    /// Every entry of `namespace`'s tree with its path, top-down in record order. Each directory is listed
    /// once even if Rock Ridge links point at it twice.
    public func walk(namespace: ISONamespace = .iso9660) -> [(path: String, entry: ISOEntry)] {
        guard let tree = tree(for: namespace) else { return [] }
        var out: [(String, ISOEntry)] = [("/", tree.root)]
        var visited: Set<Int> = [0]
        var stack: [(String, ISOEntry)] = [("", tree.root)]
        while let (prefix, directory) = stack.popLast() {
            var subdirectories: [(String, ISOEntry)] = []
            for child in children(of: directory, namespace: namespace) {
                let path = prefix + "/" + child.name(in: namespace)
                if child.isDirectory {
                    guard visited.insert(child.index).inserted else { continue }
                    subdirectories.append((path, child))
                }
                out.append((path, child))
            }
            stack.append(contentsOf: subdirectories.reversed())
        }
        return out
    }

    /// The entry at `path` in `namespace`, or nil. ISO 9660 components match the recorded identifier or
    /// the name without `;version` and trailing dot, case-sensitively; Joliet and Rock Ridge components
    /// match their names exactly.
    public func lookup(_ path: String, namespace: ISONamespace = .iso9660) -> ISOEntry? {
        lookup(path, namespace: namespace) { entry, component in
            switch namespace {
            case .iso9660, .joliet: return entry.identifier == component || entry.isoName == component
            case .rockRidge: return (entry.rockRidgeName ?? entry.isoName) == component
            }
        }
    }

    /// The entry at `path` the way the ESX UEFI ISO 9660 driver finds it (vmware/esx-boot
    /// uefi/iso9660/fsw_iso9660.c): primary tree only, `\` or `/` separators, case-insensitive, ignoring
    /// `;version` and a trailing `.` on both sides.
    public func lookupLikeESXiLoader(_ path: String) -> ISOEntry? {
        let normalized = path.replacingBackslashes()
        return lookup(normalized, namespace: .iso9660) { entry, component in
            DirectoryTreeReader.isoName(component).uppercased() == entry.isoName.uppercased()
        }
    }

    /// Like `lookup(_:namespace:)`, but throws `notFound` naming the namespace.
    public func entry(at path: String, namespace: ISONamespace = .iso9660) throws -> ISOEntry {
        guard let entry = lookup(path, namespace: namespace) else {
            throw ISO9660Error.notFound(path: path, namespace: namespace.description)
        }
        return entry
    }

    private func lookup(_ path: String, namespace: ISONamespace, matches: (ISOEntry, String) -> Bool) -> ISOEntry? {
        guard let tree = tree(for: namespace) else { return nil }
        var current = tree.root
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            guard current.isDirectory else { return nil }
            if component == "." { continue }
            if component == ".." { current = tree.entries[current.parent]; continue }
            guard let next = children(of: current, namespace: namespace).first(where: { matches($0, String(component)) })
            else { return nil }
            current = next
        }
        return current
    }
}

extension String {
    func replacingBackslashes() -> String {
        String(map { $0 == "\\" ? "/" : $0 })
    }
}
