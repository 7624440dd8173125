//! kubeconfig, one `Client` over two transports (HTTP and in-process), discovery, REST mapping.
