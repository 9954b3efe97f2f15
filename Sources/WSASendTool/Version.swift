public enum WSASendToolVersion { public static let string = "0.1.0" }
