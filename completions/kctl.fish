# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_kctl_global_optspecs
    string join \n kubeconfig= context= cluster= user= n/namespace= s/server= token= certificate-authority= client-certificate= client-key= insecure-skip-tls-verify tls-server-name= request-timeout= cache-dir= as= as-group= v/v= h/help V/version
end

function __fish_kctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_kctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_kctl_using_subcommand
    set -l cmd (__fish_kctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c kctl -n "__fish_kctl_needs_command" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c kctl -n "__fish_kctl_needs_command" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kctl -n "__fish_kctl_needs_command" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c kctl -n "__fish_kctl_needs_command" -l user -d 'The name of the kubeconfig user to use' -r
complete -c kctl -n "__fish_kctl_needs_command" -s n -l namespace -d 'If present, the namespace scope for this CLI request' -r
complete -c kctl -n "__fish_kctl_needs_command" -s s -l server -d 'The address and port of the Kubernetes API server' -r
complete -c kctl -n "__fish_kctl_needs_command" -l token -d 'Bearer token for authentication to the API server' -r
complete -c kctl -n "__fish_kctl_needs_command" -l certificate-authority -d 'Path to a cert file for the certificate authority' -r -F
complete -c kctl -n "__fish_kctl_needs_command" -l client-certificate -d 'Path to a client certificate file for TLS' -r -F
complete -c kctl -n "__fish_kctl_needs_command" -l client-key -d 'Path to a client key file for TLS' -r -F
complete -c kctl -n "__fish_kctl_needs_command" -l tls-server-name -d 'Server name to use for server certificate validation. If it is not provided, the hostname used to contact the server is used' -r
complete -c kctl -n "__fish_kctl_needs_command" -l request-timeout -d 'The length of time to wait before giving up on a single server request. Non-zero values should contain a corresponding time unit (e.g. 1s, 2m, 3h). A value of zero means don\'t timeout requests' -r
complete -c kctl -n "__fish_kctl_needs_command" -l cache-dir -d 'Default cache directory' -r -F
complete -c kctl -n "__fish_kctl_needs_command" -l as -d 'Username to impersonate for the operation. User could be a regular user or a service account in a namespace' -r
complete -c kctl -n "__fish_kctl_needs_command" -l as-group -d 'Group to impersonate for the operation, this flag can be repeated to specify multiple groups' -r
complete -c kctl -n "__fish_kctl_needs_command" -s v -l v -d 'number for the log level verbosity' -r
complete -c kctl -n "__fish_kctl_needs_command" -l insecure-skip-tls-verify -d 'If true, the server\'s certificate will not be checked for validity. This will make your HTTPS connections insecure'
complete -c kctl -n "__fish_kctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kctl -n "__fish_kctl_needs_command" -s V -l version -d 'Print version'
complete -c kctl -n "__fish_kctl_needs_command" -f -a "apply" -d 'Apply a configuration to a resource by file name or stdin'
complete -c kctl -n "__fish_kctl_needs_command" -f -a "create" -d 'Create a resource from a file or from stdin'
complete -c kctl -n "__fish_kctl_needs_command" -f -a "replace" -d 'Replace a resource by file name or stdin'
complete -c kctl -n "__fish_kctl_needs_command" -f -a "diff" -d 'Diff the live version against a would-be applied version'
complete -c kctl -n "__fish_kctl_needs_command" -f -a "get" -d 'Display one or many resources'
complete -c kctl -n "__fish_kctl_needs_command" -f -a "delete" -d 'Delete resources by file names, stdin, resources and names, or by resources and label selector'
complete -c kctl -n "__fish_kctl_needs_command" -f -a "patch" -d 'Update fields of a resource'
complete -c kctl -n "__fish_kctl_needs_command" -f -a "serve" -d 'Run the bundled Kubernetes-compatible apiserver'
complete -c kctl -n "__fish_kctl_needs_command" -f -a "completion" -d 'Output shell completion code for the specified shell (bash, zsh, fish, powershell, or elvish)'
complete -c kctl -n "__fish_kctl_needs_command" -f -a "version" -d 'Print the client and server version information'
complete -c kctl -n "__fish_kctl_needs_command" -f -a "api-resources" -d 'Print the supported API resources on the server'
complete -c kctl -n "__fish_kctl_using_subcommand apply" -s f -l filename -d 'The files that contain the configurations. Files, directories, URLs, or `-` for stdin' -r
complete -c kctl -n "__fish_kctl_using_subcommand apply" -s o -l output -d 'Output format. One of: (json, yaml, name)' -r
complete -c kctl -n "__fish_kctl_using_subcommand apply" -l dry-run -d 'Must be "none", "server", or "client". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource' -r -f -a "none\t'Send requests normally'
client\t'Only print the object that would be sent, without sending it'
server\t'Submit server-side requests without persisting the resource'"
complete -c kctl -n "__fish_kctl_using_subcommand apply" -l validate -d 'Must be one of: strict (or true), warn, ignore (or false). "true" or "strict" will use a schema to validate the input and fail the request if invalid. "warn" will warn about unknown or duplicate fields without blocking the request. "false" or "ignore" will not perform any schema validation' -r
complete -c kctl -n "__fish_kctl_using_subcommand apply" -s l -l selector -d 'Selector (label query) to filter on, supports \'=\', \'==\', \'!=\', \'in\', \'notin\'' -r
complete -c kctl -n "__fish_kctl_using_subcommand apply" -l overwrite -d 'Automatically resolve conflicts between the modified and live configuration by using values from the modified configuration' -r -f -a "true\t''
false\t''"
complete -c kctl -n "__fish_kctl_using_subcommand apply" -l prune-allowlist -d 'Overwrite the default allowlist with <group/version/kind> for --prune' -r
complete -c kctl -n "__fish_kctl_using_subcommand apply" -l field-manager -d 'Name of the manager used to track field ownership' -r
complete -c kctl -n "__fish_kctl_using_subcommand apply" -l concurrency -d 'Number of objects applied at once. Output lines keep manifest order' -r
complete -c kctl -n "__fish_kctl_using_subcommand apply" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand apply" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kctl -n "__fish_kctl_using_subcommand apply" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c kctl -n "__fish_kctl_using_subcommand apply" -l user -d 'The name of the kubeconfig user to use' -r
complete -c kctl -n "__fish_kctl_using_subcommand apply" -s n -l namespace -d 'If present, the namespace scope for this CLI request' -r
complete -c kctl -n "__fish_kctl_using_subcommand apply" -s s -l server -d 'The address and port of the Kubernetes API server' -r
complete -c kctl -n "__fish_kctl_using_subcommand apply" -l token -d 'Bearer token for authentication to the API server' -r
complete -c kctl -n "__fish_kctl_using_subcommand apply" -l certificate-authority -d 'Path to a cert file for the certificate authority' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand apply" -l client-certificate -d 'Path to a client certificate file for TLS' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand apply" -l client-key -d 'Path to a client key file for TLS' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand apply" -l tls-server-name -d 'Server name to use for server certificate validation. If it is not provided, the hostname used to contact the server is used' -r
complete -c kctl -n "__fish_kctl_using_subcommand apply" -l request-timeout -d 'The length of time to wait before giving up on a single server request. Non-zero values should contain a corresponding time unit (e.g. 1s, 2m, 3h). A value of zero means don\'t timeout requests' -r
complete -c kctl -n "__fish_kctl_using_subcommand apply" -l cache-dir -d 'Default cache directory' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand apply" -l as -d 'Username to impersonate for the operation. User could be a regular user or a service account in a namespace' -r
complete -c kctl -n "__fish_kctl_using_subcommand apply" -l as-group -d 'Group to impersonate for the operation, this flag can be repeated to specify multiple groups' -r
complete -c kctl -n "__fish_kctl_using_subcommand apply" -s v -l v -d 'number for the log level verbosity' -r
complete -c kctl -n "__fish_kctl_using_subcommand apply" -s R -l recursive -d 'Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory'
complete -c kctl -n "__fish_kctl_using_subcommand apply" -l force -d 'If true, immediately remove resources from API and bypass graceful deletion. Note that immediate deletion of some resources may result in inconsistency or data loss and requires confirmation'
complete -c kctl -n "__fish_kctl_using_subcommand apply" -l prune -d 'Automatically delete resource objects that do not appear in the configs and are created by either apply or create --save-config. Should be used with either -l or --all'
complete -c kctl -n "__fish_kctl_using_subcommand apply" -l all -d 'Select all resources in the namespace of the specified resource types'
complete -c kctl -n "__fish_kctl_using_subcommand apply" -l server-side -d 'If true, apply runs in the server instead of the client'
complete -c kctl -n "__fish_kctl_using_subcommand apply" -l force-conflicts -d 'If true, server-side apply will force the changes against conflicts'
complete -c kctl -n "__fish_kctl_using_subcommand apply" -l atomic -d 'Check every object with a server-side dry run first, and change nothing if any would fail'
complete -c kctl -n "__fish_kctl_using_subcommand apply" -l insecure-skip-tls-verify -d 'If true, the server\'s certificate will not be checked for validity. This will make your HTTPS connections insecure'
complete -c kctl -n "__fish_kctl_using_subcommand apply" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kctl -n "__fish_kctl_using_subcommand apply" -s V -l version -d 'Print version'
complete -c kctl -n "__fish_kctl_using_subcommand create" -s f -l filename -d 'The files that contain the configurations. Files, directories, URLs, or `-` for stdin' -r
complete -c kctl -n "__fish_kctl_using_subcommand create" -s o -l output -d 'Output format. One of: (json, yaml, name)' -r
complete -c kctl -n "__fish_kctl_using_subcommand create" -l dry-run -d 'Must be "none", "server", or "client". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource' -r -f -a "none\t'Send requests normally'
client\t'Only print the object that would be sent, without sending it'
server\t'Submit server-side requests without persisting the resource'"
complete -c kctl -n "__fish_kctl_using_subcommand create" -l validate -d 'Must be one of: strict (or true), warn, ignore (or false). "true" or "strict" will use a schema to validate the input and fail the request if invalid. "warn" will warn about unknown or duplicate fields without blocking the request. "false" or "ignore" will not perform any schema validation' -r
complete -c kctl -n "__fish_kctl_using_subcommand create" -l raw -d 'Raw URI to POST to the server. Uses the transport specified by the kubeconfig file' -r
complete -c kctl -n "__fish_kctl_using_subcommand create" -l field-manager -d 'Name of the manager used to track field ownership' -r
complete -c kctl -n "__fish_kctl_using_subcommand create" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand create" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kctl -n "__fish_kctl_using_subcommand create" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c kctl -n "__fish_kctl_using_subcommand create" -l user -d 'The name of the kubeconfig user to use' -r
complete -c kctl -n "__fish_kctl_using_subcommand create" -s n -l namespace -d 'If present, the namespace scope for this CLI request' -r
complete -c kctl -n "__fish_kctl_using_subcommand create" -s s -l server -d 'The address and port of the Kubernetes API server' -r
complete -c kctl -n "__fish_kctl_using_subcommand create" -l token -d 'Bearer token for authentication to the API server' -r
complete -c kctl -n "__fish_kctl_using_subcommand create" -l certificate-authority -d 'Path to a cert file for the certificate authority' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand create" -l client-certificate -d 'Path to a client certificate file for TLS' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand create" -l client-key -d 'Path to a client key file for TLS' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand create" -l tls-server-name -d 'Server name to use for server certificate validation. If it is not provided, the hostname used to contact the server is used' -r
complete -c kctl -n "__fish_kctl_using_subcommand create" -l request-timeout -d 'The length of time to wait before giving up on a single server request. Non-zero values should contain a corresponding time unit (e.g. 1s, 2m, 3h). A value of zero means don\'t timeout requests' -r
complete -c kctl -n "__fish_kctl_using_subcommand create" -l cache-dir -d 'Default cache directory' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand create" -l as -d 'Username to impersonate for the operation. User could be a regular user or a service account in a namespace' -r
complete -c kctl -n "__fish_kctl_using_subcommand create" -l as-group -d 'Group to impersonate for the operation, this flag can be repeated to specify multiple groups' -r
complete -c kctl -n "__fish_kctl_using_subcommand create" -s v -l v -d 'number for the log level verbosity' -r
complete -c kctl -n "__fish_kctl_using_subcommand create" -s R -l recursive -d 'Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory'
complete -c kctl -n "__fish_kctl_using_subcommand create" -l save-config -d 'If true, the configuration of current object will be saved in its annotation. Otherwise, the annotation will be unchanged. This flag is useful when you want to perform kubectl apply on this object in the future'
complete -c kctl -n "__fish_kctl_using_subcommand create" -l insecure-skip-tls-verify -d 'If true, the server\'s certificate will not be checked for validity. This will make your HTTPS connections insecure'
complete -c kctl -n "__fish_kctl_using_subcommand create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kctl -n "__fish_kctl_using_subcommand create" -s V -l version -d 'Print version'
complete -c kctl -n "__fish_kctl_using_subcommand replace" -s f -l filename -d 'The files that contain the configurations. Files, directories, URLs, or `-` for stdin' -r
complete -c kctl -n "__fish_kctl_using_subcommand replace" -s o -l output -d 'Output format. One of: (json, yaml, name)' -r
complete -c kctl -n "__fish_kctl_using_subcommand replace" -l dry-run -d 'Must be "none", "server", or "client". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource' -r -f -a "none\t'Send requests normally'
client\t'Only print the object that would be sent, without sending it'
server\t'Submit server-side requests without persisting the resource'"
complete -c kctl -n "__fish_kctl_using_subcommand replace" -l validate -d 'Must be one of: strict (or true), warn, ignore (or false). "true" or "strict" will use a schema to validate the input and fail the request if invalid. "warn" will warn about unknown or duplicate fields without blocking the request. "false" or "ignore" will not perform any schema validation' -r
complete -c kctl -n "__fish_kctl_using_subcommand replace" -l raw -d 'Raw URI to PUT to the server. Uses the transport specified by the kubeconfig file' -r
complete -c kctl -n "__fish_kctl_using_subcommand replace" -l field-manager -d 'Name of the manager used to track field ownership' -r
complete -c kctl -n "__fish_kctl_using_subcommand replace" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand replace" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kctl -n "__fish_kctl_using_subcommand replace" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c kctl -n "__fish_kctl_using_subcommand replace" -l user -d 'The name of the kubeconfig user to use' -r
complete -c kctl -n "__fish_kctl_using_subcommand replace" -s n -l namespace -d 'If present, the namespace scope for this CLI request' -r
complete -c kctl -n "__fish_kctl_using_subcommand replace" -s s -l server -d 'The address and port of the Kubernetes API server' -r
complete -c kctl -n "__fish_kctl_using_subcommand replace" -l token -d 'Bearer token for authentication to the API server' -r
complete -c kctl -n "__fish_kctl_using_subcommand replace" -l certificate-authority -d 'Path to a cert file for the certificate authority' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand replace" -l client-certificate -d 'Path to a client certificate file for TLS' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand replace" -l client-key -d 'Path to a client key file for TLS' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand replace" -l tls-server-name -d 'Server name to use for server certificate validation. If it is not provided, the hostname used to contact the server is used' -r
complete -c kctl -n "__fish_kctl_using_subcommand replace" -l request-timeout -d 'The length of time to wait before giving up on a single server request. Non-zero values should contain a corresponding time unit (e.g. 1s, 2m, 3h). A value of zero means don\'t timeout requests' -r
complete -c kctl -n "__fish_kctl_using_subcommand replace" -l cache-dir -d 'Default cache directory' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand replace" -l as -d 'Username to impersonate for the operation. User could be a regular user or a service account in a namespace' -r
complete -c kctl -n "__fish_kctl_using_subcommand replace" -l as-group -d 'Group to impersonate for the operation, this flag can be repeated to specify multiple groups' -r
complete -c kctl -n "__fish_kctl_using_subcommand replace" -s v -l v -d 'number for the log level verbosity' -r
complete -c kctl -n "__fish_kctl_using_subcommand replace" -s R -l recursive -d 'Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory'
complete -c kctl -n "__fish_kctl_using_subcommand replace" -l force -d 'If true, immediately remove resources from API and bypass graceful deletion. Note that immediate deletion of some resources may result in inconsistency or data loss and requires confirmation'
complete -c kctl -n "__fish_kctl_using_subcommand replace" -l save-config -d 'If true, the configuration of current object will be saved in its annotation'
complete -c kctl -n "__fish_kctl_using_subcommand replace" -l insecure-skip-tls-verify -d 'If true, the server\'s certificate will not be checked for validity. This will make your HTTPS connections insecure'
complete -c kctl -n "__fish_kctl_using_subcommand replace" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kctl -n "__fish_kctl_using_subcommand replace" -s V -l version -d 'Print version'
complete -c kctl -n "__fish_kctl_using_subcommand diff" -s f -l filename -d 'The files that contain the configurations. Files, directories, URLs, or `-` for stdin' -r
complete -c kctl -n "__fish_kctl_using_subcommand diff" -s l -l selector -d 'Selector (label query) to filter on, supports \'=\', \'==\', \'!=\', \'in\', \'notin\'' -r
complete -c kctl -n "__fish_kctl_using_subcommand diff" -l field-manager -d 'Name of the manager used to track field ownership' -r
complete -c kctl -n "__fish_kctl_using_subcommand diff" -l concurrency -d 'Number of objects to process in parallel when diffing against the live version' -r
complete -c kctl -n "__fish_kctl_using_subcommand diff" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand diff" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kctl -n "__fish_kctl_using_subcommand diff" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c kctl -n "__fish_kctl_using_subcommand diff" -l user -d 'The name of the kubeconfig user to use' -r
complete -c kctl -n "__fish_kctl_using_subcommand diff" -s n -l namespace -d 'If present, the namespace scope for this CLI request' -r
complete -c kctl -n "__fish_kctl_using_subcommand diff" -s s -l server -d 'The address and port of the Kubernetes API server' -r
complete -c kctl -n "__fish_kctl_using_subcommand diff" -l token -d 'Bearer token for authentication to the API server' -r
complete -c kctl -n "__fish_kctl_using_subcommand diff" -l certificate-authority -d 'Path to a cert file for the certificate authority' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand diff" -l client-certificate -d 'Path to a client certificate file for TLS' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand diff" -l client-key -d 'Path to a client key file for TLS' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand diff" -l tls-server-name -d 'Server name to use for server certificate validation. If it is not provided, the hostname used to contact the server is used' -r
complete -c kctl -n "__fish_kctl_using_subcommand diff" -l request-timeout -d 'The length of time to wait before giving up on a single server request. Non-zero values should contain a corresponding time unit (e.g. 1s, 2m, 3h). A value of zero means don\'t timeout requests' -r
complete -c kctl -n "__fish_kctl_using_subcommand diff" -l cache-dir -d 'Default cache directory' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand diff" -l as -d 'Username to impersonate for the operation. User could be a regular user or a service account in a namespace' -r
complete -c kctl -n "__fish_kctl_using_subcommand diff" -l as-group -d 'Group to impersonate for the operation, this flag can be repeated to specify multiple groups' -r
complete -c kctl -n "__fish_kctl_using_subcommand diff" -s v -l v -d 'number for the log level verbosity' -r
complete -c kctl -n "__fish_kctl_using_subcommand diff" -s R -l recursive -d 'Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory'
complete -c kctl -n "__fish_kctl_using_subcommand diff" -l prune -d 'Include resources that would be deleted by pruning. Can be used with -l and default shows all resources would be pruned'
complete -c kctl -n "__fish_kctl_using_subcommand diff" -l server-side -d 'If true, apply runs in the server instead of the client'
complete -c kctl -n "__fish_kctl_using_subcommand diff" -l force-conflicts -d 'If true, server-side apply will force the changes against conflicts'
complete -c kctl -n "__fish_kctl_using_subcommand diff" -l show-secret -d 'Show secret values instead of masking them'
complete -c kctl -n "__fish_kctl_using_subcommand diff" -l insecure-skip-tls-verify -d 'If true, the server\'s certificate will not be checked for validity. This will make your HTTPS connections insecure'
complete -c kctl -n "__fish_kctl_using_subcommand diff" -s h -l help -d 'Print help'
complete -c kctl -n "__fish_kctl_using_subcommand diff" -s V -l version -d 'Print version'
complete -c kctl -n "__fish_kctl_using_subcommand get" -s f -l filename -d 'The files that contain the configurations. Files, directories, URLs, or `-` for stdin' -r
complete -c kctl -n "__fish_kctl_using_subcommand get" -s o -l output -d 'Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file, custom-columns, custom-columns-file, wide)' -r
complete -c kctl -n "__fish_kctl_using_subcommand get" -s l -l selector -d 'Selector (label query) to filter on, supports \'=\', \'==\', \'!=\', \'in\', \'notin\'' -r
complete -c kctl -n "__fish_kctl_using_subcommand get" -l field-selector -d 'Selector (field query) to filter on, supports \'=\', \'==\', and \'!=\'' -r
complete -c kctl -n "__fish_kctl_using_subcommand get" -s L -l label-columns -d 'Accepts a comma separated list of labels that are going to be presented as columns' -r
complete -c kctl -n "__fish_kctl_using_subcommand get" -l sort-by -d 'If non-empty, sort list types using this field specification. The field specification is expressed as a JSONPath expression (e.g. \'{.metadata.name}\')' -r
complete -c kctl -n "__fish_kctl_using_subcommand get" -l chunk-size -d 'Return large lists in chunks rather than all at once. Pass 0 to disable' -r
complete -c kctl -n "__fish_kctl_using_subcommand get" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand get" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kctl -n "__fish_kctl_using_subcommand get" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c kctl -n "__fish_kctl_using_subcommand get" -l user -d 'The name of the kubeconfig user to use' -r
complete -c kctl -n "__fish_kctl_using_subcommand get" -s n -l namespace -d 'If present, the namespace scope for this CLI request' -r
complete -c kctl -n "__fish_kctl_using_subcommand get" -s s -l server -d 'The address and port of the Kubernetes API server' -r
complete -c kctl -n "__fish_kctl_using_subcommand get" -l token -d 'Bearer token for authentication to the API server' -r
complete -c kctl -n "__fish_kctl_using_subcommand get" -l certificate-authority -d 'Path to a cert file for the certificate authority' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand get" -l client-certificate -d 'Path to a client certificate file for TLS' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand get" -l client-key -d 'Path to a client key file for TLS' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand get" -l tls-server-name -d 'Server name to use for server certificate validation. If it is not provided, the hostname used to contact the server is used' -r
complete -c kctl -n "__fish_kctl_using_subcommand get" -l request-timeout -d 'The length of time to wait before giving up on a single server request. Non-zero values should contain a corresponding time unit (e.g. 1s, 2m, 3h). A value of zero means don\'t timeout requests' -r
complete -c kctl -n "__fish_kctl_using_subcommand get" -l cache-dir -d 'Default cache directory' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand get" -l as -d 'Username to impersonate for the operation. User could be a regular user or a service account in a namespace' -r
complete -c kctl -n "__fish_kctl_using_subcommand get" -l as-group -d 'Group to impersonate for the operation, this flag can be repeated to specify multiple groups' -r
complete -c kctl -n "__fish_kctl_using_subcommand get" -s v -l v -d 'number for the log level verbosity' -r
complete -c kctl -n "__fish_kctl_using_subcommand get" -s R -l recursive -d 'Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory'
complete -c kctl -n "__fish_kctl_using_subcommand get" -s A -l all-namespaces -d 'If present, list the requested object(s) across all namespaces. Namespace in current context is ignored even if specified with --namespace'
complete -c kctl -n "__fish_kctl_using_subcommand get" -l show-labels -d 'When printing, show all labels as the last column (default hide labels column)'
complete -c kctl -n "__fish_kctl_using_subcommand get" -l no-headers -d 'When using the default or custom-column output format, don\'t print headers (default print headers)'
complete -c kctl -n "__fish_kctl_using_subcommand get" -s w -l watch -d 'After listing/getting the requested object, watch for changes'
complete -c kctl -n "__fish_kctl_using_subcommand get" -l ignore-not-found -d 'If true, suppress NotFound error for specific objects that do not exist'
complete -c kctl -n "__fish_kctl_using_subcommand get" -l show-managed-fields -d 'If false, hide managedFields when printing objects in JSON or YAML format'
complete -c kctl -n "__fish_kctl_using_subcommand get" -l watch-only -d 'Watch for changes to the requested object(s), without listing/getting first'
complete -c kctl -n "__fish_kctl_using_subcommand get" -l show-kind -d 'When printing, show the kind of the resources (always done for several types)'
complete -c kctl -n "__fish_kctl_using_subcommand get" -l insecure-skip-tls-verify -d 'If true, the server\'s certificate will not be checked for validity. This will make your HTTPS connections insecure'
complete -c kctl -n "__fish_kctl_using_subcommand get" -s h -l help -d 'Print help'
complete -c kctl -n "__fish_kctl_using_subcommand get" -s V -l version -d 'Print version'
complete -c kctl -n "__fish_kctl_using_subcommand delete" -s f -l filename -d 'The files that contain the configurations. Files, directories, URLs, or `-` for stdin' -r
complete -c kctl -n "__fish_kctl_using_subcommand delete" -l dry-run -d 'Must be "none", "server", or "client". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource' -r -f -a "none\t'Send requests normally'
client\t'Only print the object that would be sent, without sending it'
server\t'Submit server-side requests without persisting the resource'"
complete -c kctl -n "__fish_kctl_using_subcommand delete" -s l -l selector -d 'Selector (label query) to filter on, supports \'=\', \'==\', \'!=\', \'in\', \'notin\'' -r
complete -c kctl -n "__fish_kctl_using_subcommand delete" -l field-selector -d 'Selector (field query) to filter on, supports \'=\', \'==\', and \'!=\'' -r
complete -c kctl -n "__fish_kctl_using_subcommand delete" -l cascade -d 'Must be "background", "orphan", or "foreground". Selects the deletion cascading strategy for the dependents (e.g. Pods created by a ReplicationController). Defaults to background' -r -f -a "background\t'The garbage collector deletes dependents in the background'
foreground\t'The owner waits until its dependents are deleted'
orphan\t'Dependents are left behind'"
complete -c kctl -n "__fish_kctl_using_subcommand delete" -l wait -d 'If true, wait for resources to be gone before returning. This waits for finalizers' -r -f -a "true\t''
false\t''"
complete -c kctl -n "__fish_kctl_using_subcommand delete" -l grace-period -d 'Period of time in seconds given to the resource to terminate gracefully. Ignored if negative. Set to 1 for immediate shutdown' -r
complete -c kctl -n "__fish_kctl_using_subcommand delete" -s o -l output -d 'Output mode. Use "-o name" for shorter output (resource/name)' -r
complete -c kctl -n "__fish_kctl_using_subcommand delete" -l timeout -d 'The length of time to wait before giving up on a delete, zero means determine a timeout from the size of the object' -r
complete -c kctl -n "__fish_kctl_using_subcommand delete" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand delete" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kctl -n "__fish_kctl_using_subcommand delete" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c kctl -n "__fish_kctl_using_subcommand delete" -l user -d 'The name of the kubeconfig user to use' -r
complete -c kctl -n "__fish_kctl_using_subcommand delete" -s n -l namespace -d 'If present, the namespace scope for this CLI request' -r
complete -c kctl -n "__fish_kctl_using_subcommand delete" -s s -l server -d 'The address and port of the Kubernetes API server' -r
complete -c kctl -n "__fish_kctl_using_subcommand delete" -l token -d 'Bearer token for authentication to the API server' -r
complete -c kctl -n "__fish_kctl_using_subcommand delete" -l certificate-authority -d 'Path to a cert file for the certificate authority' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand delete" -l client-certificate -d 'Path to a client certificate file for TLS' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand delete" -l client-key -d 'Path to a client key file for TLS' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand delete" -l tls-server-name -d 'Server name to use for server certificate validation. If it is not provided, the hostname used to contact the server is used' -r
complete -c kctl -n "__fish_kctl_using_subcommand delete" -l request-timeout -d 'The length of time to wait before giving up on a single server request. Non-zero values should contain a corresponding time unit (e.g. 1s, 2m, 3h). A value of zero means don\'t timeout requests' -r
complete -c kctl -n "__fish_kctl_using_subcommand delete" -l cache-dir -d 'Default cache directory' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand delete" -l as -d 'Username to impersonate for the operation. User could be a regular user or a service account in a namespace' -r
complete -c kctl -n "__fish_kctl_using_subcommand delete" -l as-group -d 'Group to impersonate for the operation, this flag can be repeated to specify multiple groups' -r
complete -c kctl -n "__fish_kctl_using_subcommand delete" -s v -l v -d 'number for the log level verbosity' -r
complete -c kctl -n "__fish_kctl_using_subcommand delete" -s R -l recursive -d 'Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory'
complete -c kctl -n "__fish_kctl_using_subcommand delete" -l all -d 'Delete all resources, in the namespace of the specified resource types'
complete -c kctl -n "__fish_kctl_using_subcommand delete" -s A -l all-namespaces -d 'If present, list the requested object(s) across all namespaces'
complete -c kctl -n "__fish_kctl_using_subcommand delete" -l ignore-not-found -d 'If true, suppress NotFound error for specific objects that do not exist'
complete -c kctl -n "__fish_kctl_using_subcommand delete" -l now -d 'If true, resources are signaled for immediate shutdown (same as --grace-period=1)'
complete -c kctl -n "__fish_kctl_using_subcommand delete" -l force -d 'If true, immediately remove resources from API and bypass graceful deletion'
complete -c kctl -n "__fish_kctl_using_subcommand delete" -l insecure-skip-tls-verify -d 'If true, the server\'s certificate will not be checked for validity. This will make your HTTPS connections insecure'
complete -c kctl -n "__fish_kctl_using_subcommand delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kctl -n "__fish_kctl_using_subcommand delete" -s V -l version -d 'Print version'
complete -c kctl -n "__fish_kctl_using_subcommand patch" -s f -l filename -d 'The files that contain the configurations. Files, directories, URLs, or `-` for stdin' -r
complete -c kctl -n "__fish_kctl_using_subcommand patch" -s o -l output -d 'Output format. One of: (json, yaml, name)' -r
complete -c kctl -n "__fish_kctl_using_subcommand patch" -l dry-run -d 'Must be "none", "server", or "client". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource' -r -f -a "none\t'Send requests normally'
client\t'Only print the object that would be sent, without sending it'
server\t'Submit server-side requests without persisting the resource'"
complete -c kctl -n "__fish_kctl_using_subcommand patch" -s p -l patch -d 'The patch to be applied to the resource JSON file' -r
complete -c kctl -n "__fish_kctl_using_subcommand patch" -l patch-file -d 'A file containing a patch to be applied to the resource' -r
complete -c kctl -n "__fish_kctl_using_subcommand patch" -l type -d 'The type of patch being provided; one of [json merge strategic]' -r -f -a "strategic\t'Strategic merge patch (built-in kinds only)'
merge\t'RFC 7386 JSON merge patch'
json\t'RFC 6902 JSON patch'"
complete -c kctl -n "__fish_kctl_using_subcommand patch" -l subresource -d 'If specified, patch will operate on the subresource of the requested object' -r
complete -c kctl -n "__fish_kctl_using_subcommand patch" -l field-manager -d 'Name of the manager used to track field ownership' -r
complete -c kctl -n "__fish_kctl_using_subcommand patch" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand patch" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kctl -n "__fish_kctl_using_subcommand patch" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c kctl -n "__fish_kctl_using_subcommand patch" -l user -d 'The name of the kubeconfig user to use' -r
complete -c kctl -n "__fish_kctl_using_subcommand patch" -s n -l namespace -d 'If present, the namespace scope for this CLI request' -r
complete -c kctl -n "__fish_kctl_using_subcommand patch" -s s -l server -d 'The address and port of the Kubernetes API server' -r
complete -c kctl -n "__fish_kctl_using_subcommand patch" -l token -d 'Bearer token for authentication to the API server' -r
complete -c kctl -n "__fish_kctl_using_subcommand patch" -l certificate-authority -d 'Path to a cert file for the certificate authority' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand patch" -l client-certificate -d 'Path to a client certificate file for TLS' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand patch" -l client-key -d 'Path to a client key file for TLS' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand patch" -l tls-server-name -d 'Server name to use for server certificate validation. If it is not provided, the hostname used to contact the server is used' -r
complete -c kctl -n "__fish_kctl_using_subcommand patch" -l request-timeout -d 'The length of time to wait before giving up on a single server request. Non-zero values should contain a corresponding time unit (e.g. 1s, 2m, 3h). A value of zero means don\'t timeout requests' -r
complete -c kctl -n "__fish_kctl_using_subcommand patch" -l cache-dir -d 'Default cache directory' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand patch" -l as -d 'Username to impersonate for the operation. User could be a regular user or a service account in a namespace' -r
complete -c kctl -n "__fish_kctl_using_subcommand patch" -l as-group -d 'Group to impersonate for the operation, this flag can be repeated to specify multiple groups' -r
complete -c kctl -n "__fish_kctl_using_subcommand patch" -s v -l v -d 'number for the log level verbosity' -r
complete -c kctl -n "__fish_kctl_using_subcommand patch" -s R -l recursive -d 'Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory'
complete -c kctl -n "__fish_kctl_using_subcommand patch" -l local -d 'If true, patch will operate on the content of the file, not the server-side resource'
complete -c kctl -n "__fish_kctl_using_subcommand patch" -l insecure-skip-tls-verify -d 'If true, the server\'s certificate will not be checked for validity. This will make your HTTPS connections insecure'
complete -c kctl -n "__fish_kctl_using_subcommand patch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kctl -n "__fish_kctl_using_subcommand patch" -s V -l version -d 'Print version'
complete -c kctl -n "__fish_kctl_using_subcommand serve" -l addr -d 'Address to listen on' -r
complete -c kctl -n "__fish_kctl_using_subcommand serve" -l tls-cert -d 'Serve HTTPS with this certificate (PEM)' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand serve" -l tls-key -d 'Private key (PEM) for --tls-cert' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand serve" -l write-kubeconfig -d 'Write a kubeconfig pointing at this server to PATH' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand serve" -l data-dir -d 'Keep state in a durable database in this directory instead of memory' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand serve" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand serve" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kctl -n "__fish_kctl_using_subcommand serve" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c kctl -n "__fish_kctl_using_subcommand serve" -l user -d 'The name of the kubeconfig user to use' -r
complete -c kctl -n "__fish_kctl_using_subcommand serve" -s n -l namespace -d 'If present, the namespace scope for this CLI request' -r
complete -c kctl -n "__fish_kctl_using_subcommand serve" -s s -l server -d 'The address and port of the Kubernetes API server' -r
complete -c kctl -n "__fish_kctl_using_subcommand serve" -l token -d 'Bearer token for authentication to the API server' -r
complete -c kctl -n "__fish_kctl_using_subcommand serve" -l certificate-authority -d 'Path to a cert file for the certificate authority' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand serve" -l client-certificate -d 'Path to a client certificate file for TLS' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand serve" -l client-key -d 'Path to a client key file for TLS' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand serve" -l tls-server-name -d 'Server name to use for server certificate validation. If it is not provided, the hostname used to contact the server is used' -r
complete -c kctl -n "__fish_kctl_using_subcommand serve" -l request-timeout -d 'The length of time to wait before giving up on a single server request. Non-zero values should contain a corresponding time unit (e.g. 1s, 2m, 3h). A value of zero means don\'t timeout requests' -r
complete -c kctl -n "__fish_kctl_using_subcommand serve" -l cache-dir -d 'Default cache directory' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand serve" -l as -d 'Username to impersonate for the operation. User could be a regular user or a service account in a namespace' -r
complete -c kctl -n "__fish_kctl_using_subcommand serve" -l as-group -d 'Group to impersonate for the operation, this flag can be repeated to specify multiple groups' -r
complete -c kctl -n "__fish_kctl_using_subcommand serve" -s v -l v -d 'number for the log level verbosity' -r
complete -c kctl -n "__fish_kctl_using_subcommand serve" -l insecure-skip-tls-verify -d 'If true, the server\'s certificate will not be checked for validity. This will make your HTTPS connections insecure'
complete -c kctl -n "__fish_kctl_using_subcommand serve" -s h -l help -d 'Print help'
complete -c kctl -n "__fish_kctl_using_subcommand serve" -s V -l version -d 'Print version'
complete -c kctl -n "__fish_kctl_using_subcommand completion" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand completion" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kctl -n "__fish_kctl_using_subcommand completion" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c kctl -n "__fish_kctl_using_subcommand completion" -l user -d 'The name of the kubeconfig user to use' -r
complete -c kctl -n "__fish_kctl_using_subcommand completion" -s n -l namespace -d 'If present, the namespace scope for this CLI request' -r
complete -c kctl -n "__fish_kctl_using_subcommand completion" -s s -l server -d 'The address and port of the Kubernetes API server' -r
complete -c kctl -n "__fish_kctl_using_subcommand completion" -l token -d 'Bearer token for authentication to the API server' -r
complete -c kctl -n "__fish_kctl_using_subcommand completion" -l certificate-authority -d 'Path to a cert file for the certificate authority' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand completion" -l client-certificate -d 'Path to a client certificate file for TLS' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand completion" -l client-key -d 'Path to a client key file for TLS' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand completion" -l tls-server-name -d 'Server name to use for server certificate validation. If it is not provided, the hostname used to contact the server is used' -r
complete -c kctl -n "__fish_kctl_using_subcommand completion" -l request-timeout -d 'The length of time to wait before giving up on a single server request. Non-zero values should contain a corresponding time unit (e.g. 1s, 2m, 3h). A value of zero means don\'t timeout requests' -r
complete -c kctl -n "__fish_kctl_using_subcommand completion" -l cache-dir -d 'Default cache directory' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand completion" -l as -d 'Username to impersonate for the operation. User could be a regular user or a service account in a namespace' -r
complete -c kctl -n "__fish_kctl_using_subcommand completion" -l as-group -d 'Group to impersonate for the operation, this flag can be repeated to specify multiple groups' -r
complete -c kctl -n "__fish_kctl_using_subcommand completion" -s v -l v -d 'number for the log level verbosity' -r
complete -c kctl -n "__fish_kctl_using_subcommand completion" -l insecure-skip-tls-verify -d 'If true, the server\'s certificate will not be checked for validity. This will make your HTTPS connections insecure'
complete -c kctl -n "__fish_kctl_using_subcommand completion" -s h -l help -d 'Print help'
complete -c kctl -n "__fish_kctl_using_subcommand completion" -s V -l version -d 'Print version'
complete -c kctl -n "__fish_kctl_using_subcommand version" -s o -l output -d 'One of \'yaml\' or \'json\'' -r
complete -c kctl -n "__fish_kctl_using_subcommand version" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand version" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kctl -n "__fish_kctl_using_subcommand version" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c kctl -n "__fish_kctl_using_subcommand version" -l user -d 'The name of the kubeconfig user to use' -r
complete -c kctl -n "__fish_kctl_using_subcommand version" -s n -l namespace -d 'If present, the namespace scope for this CLI request' -r
complete -c kctl -n "__fish_kctl_using_subcommand version" -s s -l server -d 'The address and port of the Kubernetes API server' -r
complete -c kctl -n "__fish_kctl_using_subcommand version" -l token -d 'Bearer token for authentication to the API server' -r
complete -c kctl -n "__fish_kctl_using_subcommand version" -l certificate-authority -d 'Path to a cert file for the certificate authority' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand version" -l client-certificate -d 'Path to a client certificate file for TLS' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand version" -l client-key -d 'Path to a client key file for TLS' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand version" -l tls-server-name -d 'Server name to use for server certificate validation. If it is not provided, the hostname used to contact the server is used' -r
complete -c kctl -n "__fish_kctl_using_subcommand version" -l request-timeout -d 'The length of time to wait before giving up on a single server request. Non-zero values should contain a corresponding time unit (e.g. 1s, 2m, 3h). A value of zero means don\'t timeout requests' -r
complete -c kctl -n "__fish_kctl_using_subcommand version" -l cache-dir -d 'Default cache directory' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand version" -l as -d 'Username to impersonate for the operation. User could be a regular user or a service account in a namespace' -r
complete -c kctl -n "__fish_kctl_using_subcommand version" -l as-group -d 'Group to impersonate for the operation, this flag can be repeated to specify multiple groups' -r
complete -c kctl -n "__fish_kctl_using_subcommand version" -s v -l v -d 'number for the log level verbosity' -r
complete -c kctl -n "__fish_kctl_using_subcommand version" -l client -d 'If true, shows client version only (no server required)'
complete -c kctl -n "__fish_kctl_using_subcommand version" -l insecure-skip-tls-verify -d 'If true, the server\'s certificate will not be checked for validity. This will make your HTTPS connections insecure'
complete -c kctl -n "__fish_kctl_using_subcommand version" -s h -l help -d 'Print help'
complete -c kctl -n "__fish_kctl_using_subcommand version" -s V -l version -d 'Print version'
complete -c kctl -n "__fish_kctl_using_subcommand api-resources" -s o -l output -d 'Output format. One of: (wide, name)' -r
complete -c kctl -n "__fish_kctl_using_subcommand api-resources" -l namespaced -d 'If false, non-namespaced resources will be returned, otherwise returning namespaced resources by default' -r -f -a "true\t''
false\t''"
complete -c kctl -n "__fish_kctl_using_subcommand api-resources" -l api-group -d 'Limit to resources in the specified API group' -r
complete -c kctl -n "__fish_kctl_using_subcommand api-resources" -l verbs -d 'Limit to resources that support the specified verbs' -r
complete -c kctl -n "__fish_kctl_using_subcommand api-resources" -l sort-by -d 'If non-empty, sort list of resources using specified field. The field can be either \'name\' or \'kind\'' -r
complete -c kctl -n "__fish_kctl_using_subcommand api-resources" -l cached -d 'Use the cached list of resources if available' -r -f -a "true\t''
false\t''"
complete -c kctl -n "__fish_kctl_using_subcommand api-resources" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand api-resources" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kctl -n "__fish_kctl_using_subcommand api-resources" -l cluster -d 'The name of the kubeconfig cluster to use' -r
complete -c kctl -n "__fish_kctl_using_subcommand api-resources" -l user -d 'The name of the kubeconfig user to use' -r
complete -c kctl -n "__fish_kctl_using_subcommand api-resources" -s n -l namespace -d 'If present, the namespace scope for this CLI request' -r
complete -c kctl -n "__fish_kctl_using_subcommand api-resources" -s s -l server -d 'The address and port of the Kubernetes API server' -r
complete -c kctl -n "__fish_kctl_using_subcommand api-resources" -l token -d 'Bearer token for authentication to the API server' -r
complete -c kctl -n "__fish_kctl_using_subcommand api-resources" -l certificate-authority -d 'Path to a cert file for the certificate authority' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand api-resources" -l client-certificate -d 'Path to a client certificate file for TLS' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand api-resources" -l client-key -d 'Path to a client key file for TLS' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand api-resources" -l tls-server-name -d 'Server name to use for server certificate validation. If it is not provided, the hostname used to contact the server is used' -r
complete -c kctl -n "__fish_kctl_using_subcommand api-resources" -l request-timeout -d 'The length of time to wait before giving up on a single server request. Non-zero values should contain a corresponding time unit (e.g. 1s, 2m, 3h). A value of zero means don\'t timeout requests' -r
complete -c kctl -n "__fish_kctl_using_subcommand api-resources" -l cache-dir -d 'Default cache directory' -r -F
complete -c kctl -n "__fish_kctl_using_subcommand api-resources" -l as -d 'Username to impersonate for the operation. User could be a regular user or a service account in a namespace' -r
complete -c kctl -n "__fish_kctl_using_subcommand api-resources" -l as-group -d 'Group to impersonate for the operation, this flag can be repeated to specify multiple groups' -r
complete -c kctl -n "__fish_kctl_using_subcommand api-resources" -s v -l v -d 'number for the log level verbosity' -r
complete -c kctl -n "__fish_kctl_using_subcommand api-resources" -l no-headers -d 'If false, non-namespaced resources will be returned'
complete -c kctl -n "__fish_kctl_using_subcommand api-resources" -l insecure-skip-tls-verify -d 'If true, the server\'s certificate will not be checked for validity. This will make your HTTPS connections insecure'
complete -c kctl -n "__fish_kctl_using_subcommand api-resources" -s h -l help -d 'Print help'
complete -c kctl -n "__fish_kctl_using_subcommand api-resources" -s V -l version -d 'Print version'
