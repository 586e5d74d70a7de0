/// How far a collection is, for a person watching a terminal: which stage, how many of how many are done.
public typealias CollectionProgress = @Sendable (_ stage: CollectionStage, _ done: Int, _ total: Int) -> Void

/// The long parts of a collection.
public enum CollectionStage: Sendable {
    /// Inspecting containers and images (and listing processes).
    case engineObjects
    /// Reading images' layers.
    case imageLayers

    public var description: LocalizedText {
        switch self {
        case .engineObjects: LocalizedText(en: "containers and images inspected", zh: "已检查的容器与镜像")
        case .imageLayers: LocalizedText(en: "images' layers read", zh: "已读取层的镜像")
        }
    }
}
