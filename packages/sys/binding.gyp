{
  "targets": [
    {
      "target_name": "ironlb_sys",
      "sources": [
        "native/module.c",
        "native/args.c",
        "native/packet.c",
        "native/sockets.c",
        "native/poll.c"
      ],
      "defines": ["NAPI_VERSION=8", "_GNU_SOURCE"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter", "-O2"]
    }
  ]
}
