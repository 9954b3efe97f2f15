// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "wsasend",
    products: [
        .library(name: "Winsock", targets: ["Winsock"]),
        .executable(name: "wsasend", targets: ["wsasend"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        // `make docs`: the Winsock library's DocC catalog (Sources/Winsock/Winsock.docc). A plugin only:
        // nothing of it is built by `swift build`.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"),
    ],
    targets: [
        // The one lock type of the library, the tool, the fuzz targets and the tests: a pthread mutex,
        // which ThreadSanitizer sees (it cannot see Synchronization.Mutex's futex on Linux).
        .target(name: "Locking"),
        // winsock2.h's C structs (WSABUF, WSAOVERLAPPED, WSADATA) and the few helpers that must be C:
        // per-thread state and atomic access to the fields the engine writes.
        .target(name: "CWinsock"),
        // liburing, the io_uring helper library (Debian's liburing-dev; `make deps` installs it).
        .systemLibrary(
            name: "CLiburing",
            pkgConfig: "liburing",
            providers: [.apt(["liburing-dev"])]
        ),
        // GNU readline, for the REPL's line editing (Debian's libreadline-dev; `make deps` installs it).
        // No pkgConfig: readline.pc pulls in tinfo's -D_XOPEN_SOURCE, which SwiftPM refuses.
        .systemLibrary(name: "CReadline", providers: [.apt(["libreadline-dev"])]),
        // zlib, for HdrHistogram's compressed encoding (Debian's zlib1g-dev; `make deps` installs it).
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // Linux's epoll (part of libc; Swift's Glibc module does not import its header), for the sink.
        .systemLibrary(name: "CEpoll"),
        .target(
            name: "Winsock",
            dependencies: ["CWinsock", "CLiburing", "Locking"]
        ),
        .target(
            name: "WSASendTool",
            dependencies: [
                "Winsock",
                "Locking",
                "CZlib",
                "CEpoll",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .executableTarget(
            name: "wsasend",
            dependencies: ["WSASendTool", "Locking", "CReadline"]
        ),
        // The example of "WSASend function (winsock2.h)", ported line for line; WinsockTests runs it against a loopback client.
        .executableTarget(
            name: "WSASendExample",
            dependencies: ["Winsock"],
            path: "Examples/WSASendExample"
        ),
        // The replay `main` both fuzz targets share in a normal build: saved inputs through the same checks.
        .target(name: "FuzzReplay", path: "Fuzz/FuzzReplay"),
        // libFuzzer targets for the grammars: `make fuzz` builds this with -sanitize=fuzzer; a normal build
        // makes a replay tool that runs saved inputs through the same checks.
        .executableTarget(
            name: "GrammarFuzz",
            dependencies: ["WSASendTool", "FuzzReplay"],
            path: "Fuzz/GrammarFuzz"
        ),
        // A libFuzzer target for the Win32 surface: random WSABUF arrays, flags and modes on a real loopback
        // connection; built like GrammarFuzz, with a replay tool in a normal build.
        .executableTarget(
            name: "WSASendFuzz",
            dependencies: ["Winsock", "Locking", "FuzzReplay"],
            path: "Fuzz/WSASendFuzz"
        ),
        .testTarget(name: "WinsockTests", dependencies: ["Winsock", "WSASendExample"]),
        .testTarget(name: "WSASendToolTests", dependencies: ["WSASendTool", "Locking"]),
        .testTarget(name: "wsasendTests", dependencies: ["wsasend", "Locking"]),
    ]
)
