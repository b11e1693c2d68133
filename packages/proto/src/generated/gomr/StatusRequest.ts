// Original file: proto/gomr.proto


export interface StatusRequest {
}

export interface StatusRequest__Output {
}
