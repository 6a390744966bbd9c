// Manifests the kubectl transcripts apply.
export const crdYaml = (group = 'lb.example.io') => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ippools.${group}
spec:
  group: ${group}
  names: {plural: ippools, singular: ippool, kind: IPPool, shortNames: [ipp]}
  scope: Cluster
  versions:
  - name: v1alpha1
    served: true
    storage: true
    subresources: {status: {}}
    additionalPrinterColumns:
    - {name: CIDR, type: string, jsonPath: .spec.cidr}
    - {name: Auto, type: boolean, jsonPath: .spec.autoAssign}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [cidr]
            properties:
              cidr: {type: string, format: cidr}
              autoAssign: {type: boolean, default: true}
              priority: {type: integer, minimum: 0}
          status:
            type: object
            properties:
              assigned: {type: integer}
`;

export const poolYaml = (
  spec: string,
  group = 'lb.example.io',
  name = 'pool1',
  extraMeta = '',
) => `apiVersion: ${group}/v1alpha1
kind: IPPool
metadata:
  name: ${name}
${extraMeta}spec:
${spec}`;

export const svcYaml = (targetPort: number) => `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: default
  labels: {app: web}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports:
  - port: 80
    targetPort: ${targetPort}
`;
